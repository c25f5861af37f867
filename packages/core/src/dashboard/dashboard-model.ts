import type { Alert } from "../monitor/alerts.js";
import type { ErrorSummary, RecordedEvent } from "../monitor/events.js";
import { computeHealth } from "../monitor/health.js";
import type { ChaosReportView } from "./chaos-report.js";

/** A phase as the page shows it. */
export interface PhaseView {
  name: string;
  /** pending · running · retrying · completed · failed · skipped · degraded · compensated · compensation-failed */
  status: string;
  attempts: number;
}

/** What the run's stored state adds to its events: the title and the phases not started yet. */
export interface RunStateInfo {
  state: string;
  title: string | undefined;
  phases: PhaseView[];
}

/** One run as read by the watcher. */
export interface RunFeed {
  runId: string;
  events: readonly RecordedEvent[];
  active: readonly Alert[];
  /** From the run store; absent while the run has no state yet or it could not be read. */
  stored: RunStateInfo | undefined;
}

export interface RunView {
  runId: string;
  /** running · paused · completed · failed · rolling-back · rolled-back · unknown */
  state: string;
  title: string | undefined;
  startedAt: string | undefined;
  updatedAt: string | undefined;
  phases: PhaseView[];
  retries: number;
  attemptsEnded: number;
  attemptsFailed: number;
  timeWaitingMs: number;
  resumes: number;
  recoveries: number;
  lastError: ErrorSummary | undefined;
}

/** A problem the page shows: damaged events, unreadable state, a failed read. */
export interface Problem {
  runId?: string;
  message: string;
}

/** One time bucket of the health series. */
export interface SeriesPoint {
  /** Start of the bucket, ISO-8601 UTC. */
  at: string;
  attemptsEnded: number;
  attemptsFailed: number;
  retries: number;
  waitingMs: number;
}

export interface HealthView {
  runs: number;
  attemptsEnded: number;
  attemptsFailed: number;
  /** attemptsFailed / attemptsEnded, 0 without attempts. */
  errorRate: number;
  retries: number;
  timeWaitingMs: number;
  /** Bucket width of `series`, in ms. */
  bucketMs: number;
  /** Events in the last SERIES_WINDOW_MS before the newest event, bucketed. */
  series: SeriesPoint[];
}

export interface RecoveryView {
  /** `run.recovered`: start-ups that had to repair state. */
  recovered: number;
  droppedBytes: number;
  snapshotsRejected: number;
  /** `run.resumed` events. */
  resumes: number;
  /** Resumes of a run that was left `running`: killed or interrupted. */
  resumedAfterInterruption: number;
  /** Resumes of a paused run (a person or a supervisor resumed it). */
  resumedAfterPause: number;
  /** Runs resumed at least once. */
  runsResumed: number;
}

export interface DashboardModel {
  repository: string;
  runs: RunView[];
  alerts: Alert[];
  health: HealthView;
  recovery: RecoveryView;
  problems: Problem[];
  chaos: ChaosReportView;
}

/** Bucket widths to pick from: the first that gives at most MAX_BUCKETS buckets. */
const BUCKET_WIDTHS_MS = [
  1_000,
  5_000,
  15_000,
  60_000,
  5 * 60_000,
  15 * 60_000,
  3_600_000,
  6 * 3_600_000,
  86_400_000,
  7 * 86_400_000,
];
const MAX_BUCKETS = 60;
/** The series covers the last day of activity, so one old run does not flatten today's. */
export const SERIES_WINDOW_MS = 86_400_000;

/**
 * The page's whole view, derived from the runs' events (and their stored
 * state for titles and phases not started yet). Pure.
 */
export function buildDashboardModel(input: {
  repository: string;
  runs: readonly RunFeed[];
  problems: readonly Problem[];
  chaos: ChaosReportView;
}): DashboardModel {
  const runs = input.runs.map(runView);
  runs.sort(
    (a, b) =>
      (b.startedAt ?? "").localeCompare(a.startedAt ?? "") || a.runId.localeCompare(b.runId),
  );
  const all = input.runs.flatMap((run) => run.events);
  return {
    repository: input.repository,
    runs,
    alerts: input.runs.flatMap((run) => run.active),
    health: healthView(all),
    recovery: recoveryView(input.runs),
    problems: [...input.problems],
    chaos: input.chaos,
  };
}

const RUN_STATE_OF: Partial<Record<string, string>> = {
  "run.started": "running",
  "run.resumed": "running",
  "run.paused": "paused",
  "run.completed": "completed",
  "run.failed": "failed",
  "run.rolled-back": "rolled-back",
};

function runView(feed: RunFeed): RunView {
  const phases = new Map<string, PhaseView>();
  for (const phase of feed.stored?.phases ?? []) phases.set(phase.name, { ...phase });
  const phase = (name: string): PhaseView => {
    // A line from a newer or damaged writer may lack the phase: not drawn as a phase.
    if (typeof name !== "string") return { name: "", status: "", attempts: 0 };
    let view = phases.get(name);
    if (view === undefined) {
      view = { name, status: "pending", attempts: 0 };
      phases.set(name, view);
    }
    return view;
  };
  let state: string | undefined;
  let lastError: ErrorSummary | undefined;
  let resumes = 0;
  for (const event of feed.events) {
    state = RUN_STATE_OF[event.type] ?? state;
    switch (event.type) {
      case "run.resumed":
        resumes += 1;
        lastError = undefined;
        break;
      case "run.paused":
      case "run.failed":
        lastError = event.error;
        break;
      case "phase.started": {
        const view = phase(event.phase);
        view.status = "running";
        view.attempts = Math.max(view.attempts, event.attempt);
        break;
      }
      case "phase.retrying":
        phase(event.phase).status = "retrying";
        break;
      case "phase.completed":
        phase(event.phase).status = "completed";
        break;
      case "phase.failed":
        phase(event.phase).status = "failed";
        break;
      case "phase.skipped":
        phase(event.phase).status = "skipped";
        break;
      case "phase.degraded":
        phase(event.phase).status = "degraded";
        break;
      case "phase.compensated":
        phase(event.phase).status = event.ok ? "compensated" : "compensation-failed";
        break;
      default:
        break;
    }
  }
  const health = computeHealth(feed.events);
  return {
    runId: feed.runId,
    state: state ?? feed.stored?.state ?? "unknown",
    title: feed.stored?.title,
    startedAt: feed.events[0]?.at,
    updatedAt: feed.events.at(-1)?.at,
    phases: [...phases.values()],
    retries: health.retries,
    attemptsEnded: health.attemptsEnded,
    attemptsFailed: health.attemptsFailed,
    timeWaitingMs: health.timeWaitingMs,
    resumes,
    recoveries: health.recoveries,
    lastError,
  };
}

function healthView(events: readonly RecordedEvent[]): HealthView {
  const health = computeHealth(events);
  const all = events.map((event) => Date.parse(event.at)).filter(Number.isFinite);
  const last = Math.max(...all);
  const times = all.filter((time) => time >= last - SERIES_WINDOW_MS);
  const first = Math.min(...times);
  const span = times.length === 0 ? 0 : last - first;
  const bucketMs =
    BUCKET_WIDTHS_MS.find((width) => span / width < MAX_BUCKETS) ??
    (BUCKET_WIDTHS_MS.at(-1) as number);
  const series: SeriesPoint[] = [];
  if (times.length > 0) {
    const start = Math.floor(first / bucketMs) * bucketMs;
    const count = Math.floor((last - start) / bucketMs) + 1;
    for (let index = 0; index < count; index += 1) {
      series.push({
        at: new Date(start + index * bucketMs).toISOString(),
        attemptsEnded: 0,
        attemptsFailed: 0,
        retries: 0,
        waitingMs: 0,
      });
    }
    for (const event of events) {
      const time = Date.parse(event.at);
      if (!Number.isFinite(time) || time < first) continue;
      const point = series[Math.floor((time - start) / bucketMs)];
      if (point === undefined) continue;
      if (event.type === "phase.completed") point.attemptsEnded += 1;
      if (
        event.type === "phase.retrying" ||
        event.type === "phase.failed" ||
        event.type === "phase.degraded"
      ) {
        point.attemptsEnded += 1;
        point.attemptsFailed += 1;
      }
      if (event.type === "phase.retrying") point.retries += 1;
      if (event.type === "rate-limit.waiting") point.waitingMs += event.delayMs;
    }
  }
  return {
    runs: health.runs,
    attemptsEnded: health.attemptsEnded,
    attemptsFailed: health.attemptsFailed,
    errorRate: health.errorRate,
    retries: health.retries,
    timeWaitingMs: health.timeWaitingMs,
    bucketMs,
    series,
  };
}

function recoveryView(runs: readonly RunFeed[]): RecoveryView {
  const view: RecoveryView = {
    recovered: 0,
    droppedBytes: 0,
    snapshotsRejected: 0,
    resumes: 0,
    resumedAfterInterruption: 0,
    resumedAfterPause: 0,
    runsResumed: 0,
  };
  for (const run of runs) {
    let resumed = false;
    for (const event of run.events) {
      if (event.type === "run.recovered") {
        view.recovered += 1;
        view.droppedBytes += event.droppedBytes;
        view.snapshotsRejected += event.snapshotsRejected;
      } else if (event.type === "run.resumed") {
        resumed = true;
        view.resumes += 1;
        if (event.fromState === "running") view.resumedAfterInterruption += 1;
        if (event.fromState === "paused") view.resumedAfterPause += 1;
      }
    }
    if (resumed) view.runsResumed += 1;
  }
  return view;
}
