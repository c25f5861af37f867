import type { RunSnapshot } from "../engine/index.js";
import {
  type Alert,
  evaluateAlerts,
  parseAlertThresholds,
  phaseStall,
  type RecordedEvent,
} from "../monitor/index.js";
import { oneLine } from "./cli-error.js";
import { statusJson } from "./status-view.js";

/** One line of the live view; `change` is what counts as "this line changed". */
export interface WatchLine {
  /** Stable identity: `run`, `phase:issue`, `error`, `alert:ALERT-RETRIES`, `rate-limit` … */
  key: string;
  /** The line as shown in the terminal (indented, one line, no control characters). */
  text: string;
  /** Compared between polls; an alert's message may grow ("no event for 16 min") without being news. */
  change: string;
}

const DEFAULT_THRESHOLDS = parseAlertThresholds();

/**
 * The run as `status --watch` shows it, from its state and its events at
 * `now`: the run, each phase (the one in progress as `running (attempt N)`),
 * the last error with its guidance (the run's, or the cause of the retry
 * the open phase is in), active alerts (those the run's monitor recorded and
 * those the default thresholds raise now, minus acknowledged ones), and a
 * rate-limit wait still in progress. Pure.
 */
export function watchView(
  snapshot: RunSnapshot,
  events: readonly RecordedEvent[],
  now: number,
): WatchLine[] {
  const view = statusJson(snapshot);
  const own = events.filter((event) => event.runId === snapshot.runId);
  const lines: WatchLine[] = [];
  const add = (key: string, text: string, change = text) => {
    const clean = oneLine(text);
    lines.push({ key, text: `${text.startsWith("  ") ? "  " : ""}${clean}`, change });
  };

  const title = (snapshot.input as { title?: unknown } | undefined)?.title;
  add("run", `Run ${view.runId}: ${view.state}${typeof title === "string" ? ` — ${title}` : ""}`);

  const running = view.state === "running" ? phaseStall(own, DEFAULT_THRESHOLDS) : undefined;
  for (const phase of view.phases) {
    const status =
      running?.phase === phase.name
        ? `running (attempt ${running.attempt})`
        : `${phase.status}${phase.attempts === 0 ? "" : ` (${phase.attempts} attempt${phase.attempts === 1 ? "" : "s"})`}`;
    add(`phase:${phase.name}`, `  ${phase.name.padEnd(13)} ${status}`);
  }

  const error =
    view.lastError ?? (running === undefined ? undefined : retryCause(own, running.phase));
  if (error !== undefined) {
    add("error", `  Last error:   ${error.code}: ${error.message}`);
    add("error.guidance", `  What to do:   ${error.guidance}`);
    if (error.command !== undefined) add("error.command", `  Next:         ${error.command}`);
  }

  for (const alert of activeAlerts(own, now)) {
    add(
      `alert:${alert.code}`,
      `  Alert:        [${alert.level}] ${alert.code}: ${alert.message}`,
      `${alert.level} ${alert.code}`,
    );
  }

  const wait = rateLimitWait(own, now);
  if (wait !== undefined) {
    add("rate-limit", `  rate limited by ${wait.target}; resumes ${wait.until.slice(11, 19)} UTC`);
  }
  return lines;
}

/** The cause of the latest retry of `phase`, when nothing has ended that phase since. */
function retryCause(events: readonly RecordedEvent[], phase: string) {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (event === undefined || !("phase" in event) || event.phase !== phase) continue;
    if (event.type === "phase.retrying") return event.cause;
    if (event.type !== "phase.started" && event.type !== "phase.checkpointed") return undefined;
  }
  return undefined;
}

/** Recorded alerts first (with the thresholds the run used), then any the defaults raise now; acknowledged ones left out. */
function activeAlerts(events: readonly RecordedEvent[], now: number): Alert[] {
  const acknowledged = new Set<string>();
  const byCode = new Map<string, Alert>();
  for (const event of events) {
    if (event.type === "alert.acknowledged") acknowledged.add(event.code);
    if (event.type === "alert" && !byCode.has(event.code)) {
      byCode.set(event.code, {
        runId: event.runId,
        level: event.level,
        code: event.code as Alert["code"],
        message: event.message,
      });
    }
  }
  for (const alert of evaluateAlerts(events, {}, now)) {
    if (!byCode.has(alert.code)) byCode.set(alert.code, alert);
  }
  return [...byCode.values()].filter((alert) => !acknowledged.has(alert.code));
}

/** The latest rate-limit wait, while it lasts. */
function rateLimitWait(events: readonly RecordedEvent[], now: number) {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (event?.type !== "rate-limit.waiting") continue;
    const until = Date.parse(event.until);
    return Number.isNaN(until) || until <= now ? undefined : event;
  }
  return undefined;
}
