import type { WorkflowEvent } from "../monitor/events.js";

/** An event sink that keeps every event, in order. */
export function memorySink(): { events: WorkflowEvent[]; emit(event: WorkflowEvent): void } & {
  types(): string[];
  of<T extends WorkflowEvent["type"]>(type: T): Extract<WorkflowEvent, { type: T }>[];
} {
  const events: WorkflowEvent[] = [];
  return {
    events,
    emit(event) {
      events.push(event);
    },
    types: () => events.map((event) => event.type),
    of: <T extends WorkflowEvent["type"]>(type: T) =>
      events.filter((event): event is Extract<WorkflowEvent, { type: T }> => event.type === type),
  };
}
