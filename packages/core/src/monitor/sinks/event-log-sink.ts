import { err, ok } from "../../errors/result.js";
import type { EventSink } from "../events.js";
import type { AlertSink } from "./alert-sink.js";
import { asError } from "./alert-sink.js";

/**
 * Records each alert as an `alert` event — in `events.ndjson` when given the
 * event log — so `workflowmaster events` shows alerts beside what caused them.
 */
export function eventLogSink(log: EventSink): AlertSink {
  return {
    name: "event-log",
    async deliver(alert) {
      try {
        await log.emit({
          type: "alert",
          runId: alert.runId,
          level: alert.level,
          code: alert.code,
          message: alert.message,
        });
        return ok(undefined);
      } catch (error) {
        return err(asError(error));
      }
    },
  };
}
