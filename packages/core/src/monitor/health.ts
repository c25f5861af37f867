import type { WorkflowEvent } from "./events.js";

/** Durations of one phase's completed runs, in milliseconds (nearest-rank percentiles). */
export interface PhaseDurationStats {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

/** Health metrics derived from events alone. */
export interface Health {
  /** Distinct run ids seen in any event. */
  runs: number;
  /** `phase.started` events (one per attempt). */
  phasesStarted: number;
  /** `phase.failed` events: phases that ended failed once their retries were spent. */
  phasesFailed: number;
  /** Phase attempts that ended: completed, retrying, failed or degraded. */
  attemptsEnded: number;
  /** Phase attempts that ended in an error: retrying, failed or degraded. */
  attemptsFailed: number;
  /** `attemptsFailed / attemptsEnded`, 0 when no attempt has ended. */
  errorRate: number;
  /** `phase.retrying` events. */
  retries: number;
  retriesByPhase: Record<string, number>;
  /** Sum of `delayMs` over `rate-limit.waiting` events. */
  timeWaitingMs: number;
  /** From `phase.completed` `durationMs`, by phase name. */
  phaseDurations: Record<string, PhaseDurationStats>;
  /** `run.recovered` events: start-ups that had to repair state. */
  recoveries: number;
}

/**
 * Derives health from a list of events (recorded or live). Pure.
 *
 * The error rate is counted per attempt, not per phase: each attempt ends in
 * exactly one of `phase.completed`, `phase.retrying` (failed, will retry),
 * `phase.failed` (failed, no retry left) or `phase.degraded` (an optional
 * phase failed and the run went on). That holds however the engine numbers
 * its attempts, and it can never exceed 1. `phase.skipped` did not run and
 * is not counted.
 */
export function computeHealth(events: readonly WorkflowEvent[]): Health {
  const runIds = new Set<string>();
  const retriesByPhase = new Map<string, number>();
  const durations = new Map<string, number[]>();
  let phasesStarted = 0;
  let phasesFailed = 0;
  let completed = 0;
  let degraded = 0;
  let retries = 0;
  let timeWaitingMs = 0;
  let recoveries = 0;

  for (const event of events) {
    runIds.add(event.runId);
    switch (event.type) {
      case "phase.started":
        phasesStarted += 1;
        break;
      case "phase.failed":
        phasesFailed += 1;
        break;
      case "phase.degraded":
        degraded += 1;
        break;
      case "phase.completed": {
        completed += 1;
        const list = durations.get(event.phase) ?? [];
        list.push(event.durationMs);
        durations.set(event.phase, list);
        break;
      }
      case "phase.retrying":
        retries += 1;
        retriesByPhase.set(event.phase, (retriesByPhase.get(event.phase) ?? 0) + 1);
        break;
      case "rate-limit.waiting":
        timeWaitingMs += event.delayMs;
        break;
      case "run.recovered":
        recoveries += 1;
        break;
      default:
        break;
    }
  }

  const attemptsFailed = retries + phasesFailed + degraded;
  const attemptsEnded = completed + attemptsFailed;
  return {
    runs: runIds.size,
    phasesStarted,
    phasesFailed,
    attemptsEnded,
    attemptsFailed,
    errorRate: attemptsEnded === 0 ? 0 : attemptsFailed / attemptsEnded,
    retries,
    retriesByPhase: Object.fromEntries(retriesByPhase),
    timeWaitingMs,
    phaseDurations: Object.fromEntries(
      [...durations].map(([phase, list]) => [phase, durationStats(list)]),
    ),
    recoveries,
  };
}

function durationStats(values: readonly number[]): PhaseDurationStats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/** The smallest value with at least p% of values at or below it. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? 0;
}
