import type { Clock } from "../ports/clock.js";
import { isoTime } from "../ports/clock.js";
import type { Alert, AlertThresholdsInput, MaybeTimedEvent } from "./alerts.js";
import {
  AlertCode,
  AlertLevel,
  evaluateAlerts,
  parseAlertThresholds,
  phaseStall,
} from "./alerts.js";
import type { EventBus, ListenerFailure } from "./event-bus.js";
import type { WorkflowEvent, WorkflowEventType } from "./events.js";
import type { AlertSink } from "./sinks/alert-sink.js";
import { asError } from "./sinks/alert-sink.js";

export interface AlertMonitorOptions {
  /** The bus to watch: its events, and its listener failures. */
  bus: Pick<EventBus, "subscribe" | "onListenerError">;
  thresholds?: AlertThresholdsInput;
  sinks: readonly AlertSink[];
  /**
   * Times events as they arrive and wakes the monitor when a started phase
   * would count as stalled (`ALERT-PHASE-STALLED`). Without a clock that
   * alert is never raised and no timer is armed.
   */
  clock?: Clock;
  /** Disposes the monitor when aborted. */
  signal?: AbortSignal;
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
  /**
   * Resolves when every delivery started so far has finished; rejects when
   * the clock failed a stall timer (a broken clock is a bug, never hidden).
   */
  settled(): Promise<void>;
  /** Stops watching the bus and cancels every stall timer. Deliveries already started still finish. */
  dispose(): void;
}

// Without a clock only these events feed any threshold; the monitor keeps nothing else.
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
 *
 * With a clock, each event is stamped on arrival and, while a run has a
 * phase open, one timer per run (`clock.sleep` with an AbortSignal) waits
 * until that phase would count as stalled; every later event of the run
 * re-arms it, the phase or run ending cancels it, and `dispose()` (or
 * `signal`) cancels them all, so a finished CLI is never kept alive.
 */
export function createAlertMonitor(options: AlertMonitorOptions): AlertMonitor {
  const thresholds = parseAlertThresholds(options.thresholds);
  const { clock } = options;
  const sinks = [...options.sinks];
  const alerts: Alert[] = [];
  const failures: SinkFailure[] = [];
  const raised = new Set<string>();
  const eventsByRun = new Map<string, MaybeTimedEvent[]>();
  const timers = new Map<string, AbortController>();
  const clockErrors: Error[] = [];
  let disposed = false;
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

  const evaluate = (runId: string) => {
    const list = eventsByRun.get(runId) ?? [];
    for (const alert of evaluateAlerts(list, thresholds, clock?.now())) {
      raise(alert, `${alert.runId}\u0000${alert.code}`);
    }
  };

  // One timer per run, for the phase it has open; re-armed by every event.
  const arm = (runId: string) => {
    timers.get(runId)?.abort();
    timers.delete(runId);
    if (clock === undefined || disposed) return;
    if (raised.has(`${runId}\u0000${AlertCode.PhaseStalled}`)) return;
    const stall = phaseStall(eventsByRun.get(runId) ?? [], thresholds);
    if (stall === undefined) return;
    const timer = new AbortController();
    timers.set(runId, timer);
    // Stalled is strictly after `stalledAfter`: wake one millisecond past it.
    clock.sleep(Math.max(0, stall.stalledAfter + 1 - clock.now()), timer.signal).then(
      () => {
        if (timers.get(runId) !== timer) return;
        timers.delete(runId);
        evaluate(runId);
        arm(runId);
      },
      (error: unknown) => {
        // Cancelled: the expected case. Anything else is the clock's bug.
        if (!timer.signal.aborted) clockErrors.push(asError(error));
      },
    );
  };

  const onEvent = (event: WorkflowEvent) => {
    if (event.type === "alert" || event.type === "alert.acknowledged") return;
    if (clock === undefined && !MEASURED.has(event.type)) return;
    const list = eventsByRun.get(event.runId) ?? [];
    list.push(clock === undefined ? event : { ...event, at: isoTime(clock) });
    eventsByRun.set(event.runId, list);
    evaluate(event.runId);
    arm(event.runId);
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

  const dispose = () => {
    if (disposed) return;
    disposed = true;
    unsubscribe();
    unwatch();
    for (const timer of timers.values()) timer.abort();
    timers.clear();
    options.signal?.removeEventListener("abort", dispose);
  };
  if (options.signal?.aborted) dispose();
  else options.signal?.addEventListener("abort", dispose, { once: true });

  return {
    alerts,
    failures,
    async settled() {
      // A failed delivery can raise a new alert, so loop until nothing is left.
      while (pending.length > 0) await Promise.all(pending.splice(0));
      const [clockError] = clockErrors;
      if (clockError !== undefined) {
        throw new Error("The alert monitor's clock failed a stall timer.", { cause: clockError });
      }
    },
    dispose,
  };
}
