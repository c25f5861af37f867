import { z } from "zod";
import { formatBytes } from "../resources/format-bytes.js";
import { parseOptions } from "../retry/parse-options.js";
import type { WorkflowEvent } from "./events.js";
import { computeHealth } from "./health.js";

export const AlertLevel = {
  Info: "info",
  Warning: "warning",
  Critical: "critical",
} as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

/**
 * Alert codes. They name a condition, not an error, so they are kept apart
 * from the `WFM-` error catalogue.
 */
export const AlertCode = {
  ErrorRate: "ALERT-ERROR-RATE",
  Retries: "ALERT-RETRIES",
  RateLimitWait: "ALERT-RATE-LIMIT-WAIT",
  Recoveries: "ALERT-RECOVERIES",
  DiskLow: "ALERT-DISK-LOW",
  /** A started phase has had no event for longer than its stall threshold (needs `now`). */
  PhaseStalled: "ALERT-PHASE-STALLED",
  /** An event listener threw or rejected (raised by the alert monitor from the bus). */
  ListenerFailed: "ALERT-LISTENER-FAILED",
  /** An alert sink could not deliver an alert (raised to the other sinks). */
  SinkFailed: "ALERT-SINK-FAILED",
} as const;
export type AlertCode = (typeof AlertCode)[keyof typeof AlertCode];

/** One alert about one run. Serialisable; becomes an `alert` event in the log. */
export interface Alert {
  runId: string;
  level: AlertLevel;
  code: AlertCode;
  message: string;
}

const MiB = 1024 * 1024;

/**
 * Alert thresholds, serialisable, with their defaults. Each alert fires when
 * its measure, for one run, goes strictly above (below, for disk) the value.
 */
export const AlertThresholdsSchema = z
  .strictObject({
    /** Fraction of failed phase attempts among the last `errorRateWindow` of a run. */
    errorRate: z.number().min(0).max(1).default(0.2),
    /** How many of a run's most recent phase attempts the error rate looks at. */
    errorRateWindow: z.number().int().min(1).default(10),
    /** Attempts that must have ended before the error rate is judged, so one early retry does not alert. */
    errorRateMinAttempts: z.number().int().min(1).default(5),
    /** `phase.retrying` events in one run. */
    retriesPerRun: z.number().int().min(0).default(10),
    /** Total time one run waited for rate limits. */
    rateLimitWaitMs: z
      .number()
      .min(0)
      .default(15 * 60_000),
    /** `run.recovered` events (state repaired at start-up) in one run. */
    recoveriesPerRun: z.number().int().min(0).default(3),
    /** Alert when a `resource.low` disk event reports fewer free bytes than this. */
    minFreeDiskBytes: z
      .number()
      .int()
      .min(0)
      .default(64 * MiB),
    /**
     * A started phase with no event of its run for longer than this is
     * stalled. The default, 15 min, is far past any healthy quiet spell of
     * the dev workflow's phases other than `implement`: they have no
     * per-attempt watchdog of their own, each GitHub request is cut off
     * after 30 s and a 5xx burst is ridden out in about 2 min; a retry
     * delay or a rate-limit wait announced by an event extends the quiet
     * spell by itself. Phases with a watchdog get theirs through
     * `phaseStalledMsByPhase` (the CLI sets `implement` to its attempt
     * timeout plus a minute).
     */
    phaseStalledMs: z
      .number()
      .int()
      .min(1)
      .default(15 * 60_000),
    /** Per-phase stall thresholds, overriding `phaseStalledMs` for the phases named. */
    phaseStalledMsByPhase: z.record(z.string().min(1), z.number().int().min(1)).default({}),
  })
  .refine((t) => t.errorRateMinAttempts <= t.errorRateWindow, {
    path: ["errorRateMinAttempts"],
    message: "must not exceed `errorRateWindow`",
  });

export type AlertThresholds = z.output<typeof AlertThresholdsSchema>;
export type AlertThresholdsInput = z.input<typeof AlertThresholdsSchema>;

/** Validates thresholds and fills in defaults; a TypeError names each bad field. */
export function parseAlertThresholds(input: AlertThresholdsInput = {}): AlertThresholds {
  return parseOptions(AlertThresholdsSchema, input, "alert thresholds");
}

/** An event that may carry the time it happened (`RecordedEvent` does). */
export type MaybeTimedEvent = WorkflowEvent & { at?: string };

/**
 * Every alert that holds for these events under these thresholds, run by
 * run (in order of first appearance), codes in a fixed order. Pure: the
 * alert monitor decides which of them are new.
 *
 * `now` (epoch ms) enables the one alert that depends on time passing,
 * `ALERT-PHASE-STALLED`; it reads each event's `at` (events without one
 * are not timed and do not count). Without `now` the result is what it
 * always was.
 */
export function evaluateAlerts(
  events: readonly MaybeTimedEvent[],
  thresholds: AlertThresholdsInput = {},
  now?: number,
): Alert[] {
  const t = parseAlertThresholds(thresholds);
  const byRun = new Map<string, WorkflowEvent[]>();
  for (const event of events) {
    const list = byRun.get(event.runId) ?? [];
    list.push(event);
    byRun.set(event.runId, list);
  }
  return [...byRun].flatMap(([runId, runEvents]) => evaluateRun(runId, runEvents, t, now));
}

function evaluateRun(
  runId: string,
  events: readonly MaybeTimedEvent[],
  t: AlertThresholds,
  now: number | undefined,
): Alert[] {
  const alerts: Alert[] = [];
  const health = computeHealth(events);

  const window = attemptOutcomes(events).slice(-t.errorRateWindow);
  const failed = window.filter((ok) => !ok).length;
  if (window.length >= t.errorRateMinAttempts && failed / window.length > t.errorRate) {
    alerts.push({
      runId,
      level: AlertLevel.Warning,
      code: AlertCode.ErrorRate,
      message: `${failed} of the last ${window.length} phase attempts failed (${percent(failed / window.length)}, threshold ${percent(t.errorRate)}).`,
    });
  }

  if (health.retries > t.retriesPerRun) {
    const [phase, count] = Object.entries(health.retriesByPhase).sort((a, b) => b[1] - a[1])[0] ?? [
      "?",
      0,
    ];
    alerts.push({
      runId,
      level: AlertLevel.Warning,
      code: AlertCode.Retries,
      message: `${health.retries} retries in this run (threshold ${t.retriesPerRun}); most in phase \`${phase}\` (${count}).`,
    });
  }

  if (health.timeWaitingMs > t.rateLimitWaitMs) {
    alerts.push({
      runId,
      level: AlertLevel.Warning,
      code: AlertCode.RateLimitWait,
      message: `Waited ${formatDuration(health.timeWaitingMs)} for rate limits in this run (threshold ${formatDuration(t.rateLimitWaitMs)}).`,
    });
  }

  if (health.recoveries > t.recoveriesPerRun) {
    alerts.push({
      runId,
      level: AlertLevel.Warning,
      code: AlertCode.Recoveries,
      message: `Run state had to be recovered ${health.recoveries} times (threshold ${t.recoveriesPerRun}): check the disk and what is killing the process.`,
    });
  }

  let lowestDisk: number | undefined;
  for (const event of events) {
    if (event.type === "resource.low" && event.resource === "disk") {
      lowestDisk = Math.min(lowestDisk ?? event.available, event.available);
    }
  }
  if (lowestDisk !== undefined && lowestDisk < t.minFreeDiskBytes) {
    alerts.push({
      runId,
      level: AlertLevel.Critical,
      code: AlertCode.DiskLow,
      message: `Free disk space fell to ${formatBytes(lowestDisk)} (threshold ${formatBytes(t.minFreeDiskBytes)}); the run pauses before writing until space is freed.`,
    });
  }

  const stall = now === undefined ? undefined : phaseStall(events, t);
  if (stall !== undefined && now !== undefined && now > stall.stalledAfter) {
    alerts.push({
      runId,
      level: AlertLevel.Warning,
      code: AlertCode.PhaseStalled,
      message: `Phase \`${stall.phase}\` (attempt ${stall.attempt}) has had no event for ${formatQuiet(now - stall.quietUntil)} (threshold ${formatQuiet(stall.thresholdMs)}): the process may be hung or gone. Check it with \`workflowmaster status ${runId}\`; if no process is running it, \`workflowmaster resume ${runId}\`.`,
    });
  }
  return alerts;
}

/** Where a run's open phase stands, for the stall alert. */
export interface PhaseStall {
  phase: string;
  attempt: number;
  /** Epoch ms the run was last heard from (or a wait it announced ends), whichever is later. */
  quietUntil: number;
  thresholdMs: number;
  /** Epoch ms after which the phase counts as stalled: `quietUntil + thresholdMs`. */
  stalledAfter: number;
}

// Alerts and acknowledgements are about the run, not activity of it.
const NOT_ACTIVITY: ReadonlySet<WorkflowEvent["type"]> = new Set(["alert", "alert.acknowledged"]);

/**
 * The phase one run's timed events leave started and not ended, with when
 * it would count as stalled; undefined when no phase is open. A
 * `phase.retrying` delay or a `rate-limit.waiting` wait was announced, so
 * the quiet spell starts when it ends. Events without a valid `at` are
 * skipped. Pure.
 */
export function phaseStall(
  events: readonly MaybeTimedEvent[],
  thresholds: AlertThresholds,
): PhaseStall | undefined {
  let open: { phase: string; attempt: number } | undefined;
  let quietUntil = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    if (NOT_ACTIVITY.has(event.type)) continue;
    const at = event.at === undefined ? Number.NaN : Date.parse(event.at);
    if (Number.isNaN(at)) continue;
    quietUntil = Math.max(quietUntil, at);
    switch (event.type) {
      case "phase.started":
        open = { phase: event.phase, attempt: event.attempt };
        break;
      case "phase.retrying":
        quietUntil = Math.max(quietUntil, at + event.delayMs);
        break;
      case "rate-limit.waiting": {
        const until = Date.parse(event.until);
        quietUntil = Math.max(quietUntil, at + event.delayMs, Number.isNaN(until) ? at : until);
        break;
      }
      case "phase.completed":
      case "phase.failed":
      case "phase.skipped":
      case "phase.degraded":
      case "run.started":
      case "run.resumed":
      case "run.completed":
      case "run.failed":
      case "run.paused":
      case "run.rolled-back":
        open = undefined;
        break;
      default:
        break;
    }
  }
  if (open === undefined) return undefined;
  const thresholdMs = thresholds.phaseStalledMsByPhase[open.phase] ?? thresholds.phaseStalledMs;
  return { ...open, quietUntil, thresholdMs, stalledAfter: quietUntil + thresholdMs };
}

/** Each ended phase attempt, in order: true when it completed. */
function attemptOutcomes(events: readonly WorkflowEvent[]): boolean[] {
  const outcomes: boolean[] = [];
  for (const event of events) {
    if (event.type === "phase.completed") outcomes.push(true);
    else if (
      event.type === "phase.retrying" ||
      event.type === "phase.failed" ||
      event.type === "phase.degraded"
    ) {
      outcomes.push(false);
    }
  }
  return outcomes;
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

/** Under a second in milliseconds (a test's or a tight threshold), else as `formatDuration`. */
function formatQuiet(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : formatDuration(ms);
}

/** "45 s", "16 min", "1 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const restSeconds = seconds % 60;
  if (minutes < 60) return restSeconds === 0 ? `${minutes} min` : `${minutes} min ${restSeconds} s`;
  const hours = Math.floor(minutes / 60);
  const restMinutes = minutes % 60;
  return restMinutes === 0 ? `${hours} h` : `${hours} h ${restMinutes} min`;
}
