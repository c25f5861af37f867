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

/**
 * Every alert that holds for these events under these thresholds, run by
 * run (in order of first appearance), codes in a fixed order. Pure: the
 * alert monitor decides which of them are new.
 */
export function evaluateAlerts(
  events: readonly WorkflowEvent[],
  thresholds: AlertThresholdsInput = {},
): Alert[] {
  const t = parseAlertThresholds(thresholds);
  const byRun = new Map<string, WorkflowEvent[]>();
  for (const event of events) {
    const list = byRun.get(event.runId) ?? [];
    list.push(event);
    byRun.set(event.runId, list);
  }
  return [...byRun].flatMap(([runId, runEvents]) => evaluateRun(runId, runEvents, t));
}

function evaluateRun(runId: string, events: readonly WorkflowEvent[], t: AlertThresholds): Alert[] {
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
  return alerts;
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
