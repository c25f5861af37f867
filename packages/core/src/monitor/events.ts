import type { ErrorKind } from "../errors/error-kind.js";

/** A terminal or paused error as it appears in events and state. */
export interface ErrorSummary {
  code: string;
  kind: ErrorKind;
  message: string;
  guidance: string;
  command?: string;
}

/**
 * Every state change is an event with a `noun.verb` type. Events are
 * appended to `events.ndjson` beside the journal; health metrics and alerts
 * are derived from them. Listeners observe; they never steer.
 */
export type WorkflowEvent =
  | { type: "run.started"; runId: string; workflow: string }
  | { type: "run.resumed"; runId: string; fromState: string }
  | {
      type: "run.recovered";
      runId: string;
      droppedBytes: number;
      snapshotsRejected: number;
      detail: string;
    }
  | { type: "run.completed"; runId: string }
  | { type: "run.failed"; runId: string; error: ErrorSummary }
  | { type: "run.paused"; runId: string; error: ErrorSummary }
  | { type: "run.rolled-back"; runId: string; incomplete: string[] }
  | { type: "phase.started"; runId: string; phase: string; attempt: number }
  | { type: "phase.reconciled"; runId: string; phase: string; found: boolean }
  | {
      type: "phase.retrying";
      runId: string;
      phase: string;
      attempt: number;
      delayMs: number;
      cause: ErrorSummary;
    }
  | { type: "phase.completed"; runId: string; phase: string; durationMs: number }
  | { type: "phase.failed"; runId: string; phase: string; error: ErrorSummary }
  | { type: "phase.skipped"; runId: string; phase: string; reason: string }
  | { type: "phase.degraded"; runId: string; phase: string; reason: string }
  | { type: "phase.compensated"; runId: string; phase: string; ok: boolean; detail?: string }
  | { type: "phase.checkpointed"; runId: string; phase: string; seq: number }
  | { type: "rate-limit.waiting"; runId: string; target: string; until: string; delayMs: number }
  | {
      type: "resource.low";
      runId: string;
      resource: "disk" | "memory" | "file-descriptors";
      available: number;
      threshold: number;
    }
  | {
      /** Low disk space made the resource guard prune old snapshots before a phase. */
      type: "resource.pruned";
      runId: string;
      phase: string;
      freedBytes: number;
      /** Free bytes after pruning. */
      available: number;
    }
  | {
      type: "alert";
      runId: string;
      level: "info" | "warning" | "critical";
      code: string;
      message: string;
    }
  | {
      /** A person acknowledged the alert `code` of this run: it no longer lists as active. */
      type: "alert.acknowledged";
      runId: string;
      code: string;
    };

export type WorkflowEventType = WorkflowEvent["type"];

/** An event as written to `events.ndjson`: with its time (ISO-8601 UTC). */
export type RecordedEvent = WorkflowEvent & { at: string };

/** Where events go. Subscribing returns a disposer. */
export interface EventSink {
  emit(event: WorkflowEvent): void | Promise<void>;
}
