import { ok } from "../../errors/result.js";
import type { Alert } from "../alerts.js";
import type { AlertSink } from "./alert-sink.js";

/** A sink whose destination becomes known later (the workflow's issue). */
export interface DeferredSink extends AlertSink {
  /** Sets the destination: alerts held so far are delivered to it, in order, then every later one. */
  open(sink: AlertSink): void;
  /**
   * There will be no destination (the run ended before it existed): held
   * and later alerts resolve without delivery and are kept in `undelivered`.
   */
  cancel(): void;
  /** Alerts that were never delivered because the sink was cancelled. */
  readonly undelivered: readonly Alert[];
}

/**
 * Holds alerts until the destination exists, then delivers them through
 * it. A held `deliver` stays pending, so the alert monitor's per-sink
 * ordering and failure handling apply unchanged once the sink opens;
 * `cancel()` (at shutdown) releases them so `settled()` never hangs.
 */
export function deferredSink(pendingName: string): DeferredSink {
  let target: AlertSink | undefined;
  let settle: (sink: AlertSink | undefined) => void = () => undefined;
  const ready = new Promise<AlertSink | undefined>((resolve) => {
    settle = resolve;
  });
  let decided = false;
  const undelivered: Alert[] = [];
  return {
    get name() {
      return target?.name ?? pendingName;
    },
    undelivered,
    async deliver(alert) {
      const sink = await ready;
      if (sink === undefined) {
        undelivered.push(alert);
        return ok(undefined);
      }
      return sink.deliver(alert);
    },
    open(sink) {
      if (decided) return;
      decided = true;
      target = sink;
      settle(sink);
    },
    cancel() {
      if (decided) return;
      decided = true;
      settle(undefined);
    },
  };
}
