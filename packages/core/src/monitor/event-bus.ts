import type { EventSink, WorkflowEvent, WorkflowEventType } from "./events.js";

/** Observes events. May be async; its result never changes what the engine does. */
export type EventListener<E extends WorkflowEvent = WorkflowEvent> = (
  event: E,
) => void | Promise<void>;

/** A listener that threw or rejected, with the event it was handling. */
export interface ListenerFailure {
  event: WorkflowEvent;
  error: unknown;
}

export type ListenerFailureHandler = (failure: ListenerFailure) => void;

export interface EventBus extends EventSink {
  /**
   * Calls every listener subscribed at this moment, in subscription order,
   * and resolves when all have settled. Never rejects: a listener's failure
   * is recorded in `errors` and passed to the `onListenerError` handlers.
   */
  emit(event: WorkflowEvent): Promise<void>;
  /** Every event; returns a disposer. */
  subscribe(listener: EventListener): () => void;
  /** Only events of `type`, typed accordingly; returns a disposer. */
  subscribe<T extends WorkflowEventType>(
    type: T,
    listener: EventListener<Extract<WorkflowEvent, { type: T }>>,
  ): () => void;
  /** Every listener failure so far, in the order they happened. */
  readonly errors: readonly ListenerFailure[];
  /**
   * Called with each listener failure (the alert monitor turns them into an
   * alert). A handler that throws is itself recorded in `errors`, not called
   * again for it. Returns a disposer.
   */
  onListenerError(handler: ListenerFailureHandler): () => void;
}

/**
 * The in-process event bus the engine emits to. Listeners observe and never
 * steer: a throwing listener cannot fail the workflow, stop the other
 * listeners, or change the order they see events in.
 *
 * Its failures are not swallowed but kept apart from the events: recorded in
 * `bus.errors` and passed to `onListenerError` handlers (the alert monitor
 * raises an `ALERT-LISTENER-FAILED` alert to its sinks from them). They are
 * not rethrown to the emitter — that would let a broken log sink fail a run
 * whose work is fine — and not re-emitted as an event through the same
 * listeners, where the listener that is failing would meet its own failure
 * again and again.
 */
export function createEventBus(): EventBus {
  let listeners: readonly EventListener[] = [];
  let handlers: readonly ListenerFailureHandler[] = [];
  const errors: ListenerFailure[] = [];

  const fail = (failure: ListenerFailure) => {
    errors.push(failure);
    for (const handler of handlers) {
      try {
        handler(failure);
      } catch (error) {
        errors.push({ event: failure.event, error });
      }
    }
  };

  const subscribe = (
    typeOrListener: WorkflowEventType | EventListener,
    maybeListener?: EventListener<never>,
  ): (() => void) => {
    let listener: EventListener;
    if (typeof typeOrListener === "function") {
      listener = typeOrListener;
    } else {
      const type = typeOrListener;
      const typed = maybeListener as EventListener | undefined;
      if (typeof typed !== "function") {
        throw new TypeError(`subscribe("${type}", listener) needs a listener function.`);
      }
      listener = (event) => (event.type === type ? typed(event) : undefined);
    }
    listeners = [...listeners, listener];
    return () => {
      listeners = listeners.filter((l) => l !== listener);
    };
  };

  return {
    errors,
    subscribe: subscribe as EventBus["subscribe"],
    onListenerError(handler) {
      handlers = [...handlers, handler];
      return () => {
        handlers = handlers.filter((h) => h !== handler);
      };
    },
    async emit(event) {
      // Copy-on-write lists: a listener subscribing or disposing during an
      // emit affects the next emit, not this one.
      const pending: Promise<void>[] = [];
      for (const listener of listeners) {
        try {
          const result: unknown = listener(event);
          if (isThenable(result)) {
            pending.push(
              Promise.resolve(result).then(
                () => undefined,
                (error: unknown) => fail({ event, error }),
              ),
            );
          }
        } catch (error) {
          fail({ event, error });
        }
      }
      await Promise.all(pending);
    },
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
