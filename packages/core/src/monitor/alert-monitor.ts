import type { Alert, AlertThresholdsInput } from "./alerts.js";
import { AlertCode, AlertLevel, evaluateAlerts, parseAlertThresholds } from "./alerts.js";
import type { EventBus, ListenerFailure } from "./event-bus.js";
import type { WorkflowEvent, WorkflowEventType } from "./events.js";
import type { AlertSink } from "./sinks/alert-sink.js";
import { asError } from "./sinks/alert-sink.js";

export interface AlertMonitorOptions {
  /** The bus to watch: its events, and its listener failures. */
  bus: Pick<EventBus, "subscribe" | "onListenerError">;
  thresholds?: AlertThresholdsInput;
  sinks: readonly AlertSink[];
}

/** A sink that could not deliver an alert. */
export interface SinkFailure {
  sink: string;
  alert: Alert;
  error: Error;
}

export interface AlertMonitor {
  /** Every alert raised so far, in order, each once. */
  readonly alerts: readonly Alert[];
  /** Every failed delivery so far. */
  readonly failures: readonly SinkFailure[];
  /** Resolves when every delivery started so far has finished. */
  settled(): Promise<void>;
  /** Stops watching the bus. Deliveries already started still finish. */
  dispose(): void;
}

// Only these events feed any threshold; the monitor keeps nothing else.
const MEASURED: ReadonlySet<WorkflowEventType> = new Set<WorkflowEventType>([
  "phase.completed",
  "phase.retrying",
  "phase.failed",
  "phase.degraded",
  "rate-limit.waiting",
  "run.recovered",
  "resource.low",
]);

/**
 * Watches a bus, re-evaluates a run's alerts after each event that could
 * change them, and delivers each new alert — once per run and code — to
 * every sink, in order per sink.
 *
 * Deliveries run in the background: the bus (and so the engine) never waits
 * on a slow webhook. They are not fire-and-forget either: every failure is
 * kept in `failures` and raised to the other sinks as `ALERT-SINK-FAILED`
 * (once per run and sink), and `settled()` lets a caller wait for them at
 * shutdown. A bus listener's failure becomes `ALERT-LISTENER-FAILED`.
 */
export function createAlertMonitor(options: AlertMonitorOptions): AlertMonitor {
  const thresholds = parseAlertThresholds(options.thresholds);
  const sinks = [...options.sinks];
  const alerts: Alert[] = [];
  const failures: SinkFailure[] = [];
  const raised = new Set<string>();
  const eventsByRun = new Map<string, WorkflowEvent[]>();
  const queues = new Map<AlertSink, Promise<void>>();
  // Kept until `settled()` awaits them; a delivery never rejects unless the
  // monitor itself has a bug, which then surfaces there (or as an unhandled
  // rejection), never silently.
  const pending: Promise<void>[] = [];

  const deliver = (sink: AlertSink, alert: Alert) => {
    const previous = queues.get(sink) ?? Promise.resolve();
    const next = previous.then(async () => {
      let error: Error | undefined;
      try {
        const result = await sink.deliver(alert);
        if (!result.ok) error = result.error;
      } catch (thrown) {
        // A sink that breaks its contract by throwing is reported the same way.
        error = asError(thrown);
      }
      if (error) onSinkFailure(sink, alert, error);
    });
    queues.set(sink, next);
    pending.push(next);
  };

  const raise = (alert: Alert, key: string, except?: AlertSink) => {
    if (raised.has(key)) return;
    raised.add(key);
    alerts.push(alert);
    for (const sink of sinks) if (sink !== except) deliver(sink, alert);
  };

  const onSinkFailure = (sink: AlertSink, alert: Alert, error: Error) => {
    failures.push({ sink: sink.name, alert, error });
    // A failure to report a failure is kept in `failures` but not raised
    // again, so two broken sinks cannot bounce alerts between them.
    if (alert.code === AlertCode.SinkFailed) return;
    raise(
      {
        runId: alert.runId,
        level: AlertLevel.Warning,
        code: AlertCode.SinkFailed,
        message: `Alert sink ${sink.name} could not deliver ${alert.code}: ${error.message}`,
      },
      `${alert.runId}\u0000${AlertCode.SinkFailed}\u0000${sink.name}`,
      sink,
    );
  };

  const onEvent = (event: WorkflowEvent) => {
    if (!MEASURED.has(event.type)) return;
    const list = eventsByRun.get(event.runId) ?? [];
    list.push(event);
    eventsByRun.set(event.runId, list);
    for (const alert of evaluateAlerts(list, thresholds)) {
      raise(alert, `${alert.runId}\u0000${alert.code}`);
    }
  };

  const onListenerFailure = (failure: ListenerFailure) => {
    raise(
      {
        runId: failure.event.runId,
        level: AlertLevel.Warning,
        code: AlertCode.ListenerFailed,
        message: `An event listener failed on ${failure.event.type}: ${asError(failure.error).message} (every failure is kept in the event bus's errors).`,
      },
      `${failure.event.runId}\u0000${AlertCode.ListenerFailed}`,
    );
  };

  const unsubscribe = options.bus.subscribe(onEvent);
  const unwatch = options.bus.onListenerError(onListenerFailure);

  return {
    alerts,
    failures,
    async settled() {
      // A failed delivery can raise a new alert, so loop until nothing is left.
      while (pending.length > 0) await Promise.all(pending.splice(0));
    },
    dispose() {
      unsubscribe();
      unwatch();
    },
  };
}
