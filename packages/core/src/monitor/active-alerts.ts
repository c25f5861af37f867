import { wfmError } from "../errors/catalogue.js";
import type { Clock } from "../ports/clock.js";
import type { FileSystem } from "../ports/file-system.js";
import { isValidRunId } from "../state/run-id.js";
import { type Alert, AlertCode, evaluateAlerts } from "./alerts.js";
import { createEventLogSink, readEvents } from "./event-log.js";
import type { RecordedEvent } from "./events.js";

/** Every alert code, for checking a code that comes from a person or a request. */
export const ALERT_CODES: ReadonlySet<string> = new Set(Object.values(AlertCode));

/** Whether `code` is one of the alert codes (exact, upper-case). */
export function isAlertCode(code: unknown): code is AlertCode {
  return typeof code === "string" && ALERT_CODES.has(code);
}

/** Lines of a run's `events.ndjson` that could not be read: shown, never swallowed. */
export interface UnreadableEvents {
  runId: string;
  path: string;
  /** 1-based numbers of lines that are not events. */
  invalidLines: number[];
  /** 1 when the last line is torn (a crash mid-write), else 0. */
  tornLines: number;
}

/** One run's events as the alert rules see them. */
export interface RunAlertView {
  runId: string;
  /** Only events that carry this run's id (a stray line naming another run does not count). */
  events: RecordedEvent[];
  /** Alerts that hold under the default thresholds and no person acknowledged. */
  active: Alert[];
  unreadable: UnreadableEvents | undefined;
}

export interface ActiveAlertsOptions {
  fs: FileSystem;
  /** `<repo>/.workflowmaster`. */
  root: string;
  /** One run (default: every run under `<root>/runs`). An unknown run is WFM-RUN-NOT-FOUND. */
  runId?: string;
}

export interface ActiveAlerts {
  alerts: Alert[];
  /** Runs whose events file had unreadable lines (the alerts are from the rest). */
  unreadable: UnreadableEvents[];
}

/**
 * The alerts the default thresholds raise from each run's `events.ndjson`,
 * minus those a person acknowledged (an `alert.acknowledged` event), run by
 * run in run-id order. Unreadable lines are reported beside the alerts.
 */
export async function listActiveAlerts(options: ActiveAlertsOptions): Promise<ActiveAlerts> {
  const { fs, root } = options;
  const runIds =
    options.runId === undefined
      ? await listRunDirectories(fs, root)
      : [await existingRun(fs, root, options.runId)];
  const alerts: Alert[] = [];
  const unreadable: UnreadableEvents[] = [];
  for (const runId of runIds) {
    const view = await runAlertView(fs, root, runId);
    alerts.push(...view.active);
    if (view.unreadable !== undefined) unreadable.push(view.unreadable);
  }
  return { alerts, unreadable };
}

/** One run's events, active alerts and unreadable lines. */
export async function runAlertView(
  fs: FileSystem,
  root: string,
  runId: string,
): Promise<RunAlertView> {
  const contents = await readEvents({ fs, root, runId });
  const events = contents.events.filter((event) => event.runId === runId);
  const damaged = contents.invalidLines.length > 0 || contents.tornLines > 0;
  return {
    runId,
    events,
    active: activeAlertsOf(events),
    unreadable: damaged
      ? {
          runId,
          path: contents.path,
          invalidLines: contents.invalidLines,
          tornLines: contents.tornLines,
        }
      : undefined,
  };
}

/** The alerts these events (of one run) raise, without the acknowledged codes. */
export function activeAlertsOf(events: readonly RecordedEvent[]): Alert[] {
  const acknowledged = new Set(
    events.flatMap((event) => (event.type === "alert.acknowledged" ? [event.code] : [])),
  );
  return evaluateAlerts(events).filter((alert) => !acknowledged.has(alert.code));
}

export interface AcknowledgeAlertOptions {
  fs: FileSystem;
  clock: Clock;
  root: string;
  runId: string;
  /** An alert code, exactly (`ALERT-RETRIES`). */
  code: string;
}

/** Why an acknowledgement was refused; `message` is a sentence for a person. */
export type AcknowledgeRefusal =
  | { reason: "unknown-code"; message: string }
  | { reason: "unknown-run"; message: string }
  | { reason: "not-active"; message: string };

export type AcknowledgeOutcome =
  | { ok: true; alert: Alert }
  | { ok: false; refusal: AcknowledgeRefusal };

/**
 * Acknowledges the active alert `code` of run `runId`: appends an
 * `alert.acknowledged` event to the run's `events.ndjson`, after which the
 * alert no longer lists as active. A refusal (unknown code, unknown run, no
 * such active alert) is data, so each caller says it its own way; a failed
 * write is thrown.
 */
export async function acknowledgeAlert(
  options: AcknowledgeAlertOptions,
): Promise<AcknowledgeOutcome> {
  const { fs, clock, root, runId, code } = options;
  if (!isAlertCode(code)) {
    return refuse(
      "unknown-code",
      `must be an alert code (${[...ALERT_CODES].join(", ")}), got ${JSON.stringify(code)}`,
    );
  }
  if (!isValidRunId(runId) || !(await isDirectory(fs, runDir(root, runId)))) {
    return refuse("unknown-run", `There is no run ${runId} under ${root}.`);
  }
  const { active } = await runAlertView(fs, root, runId);
  const alert = active.find((candidate) => candidate.code === code);
  if (alert === undefined) {
    return refuse(
      "not-active",
      `names no active alert of run ${runId}: ${code} is not raised or already acknowledged (list them with \`workflowmaster alerts ${runId}\`)`,
    );
  }
  const log = createEventLogSink({ fs, clock, root });
  try {
    await log.emit({ type: "alert.acknowledged", runId, code });
  } finally {
    await log.close();
  }
  return { ok: true, alert };
}

function refuse(reason: AcknowledgeRefusal["reason"], message: string): AcknowledgeOutcome {
  return { ok: false, refusal: { reason, message } };
}

/**
 * The run ids under `<root>/runs` that are directories, sorted; none when
 * there is no state yet. Anything else there (a temp file, a stray name) is
 * not a run. A run need not have a journal yet to have events.
 */
export async function listRunDirectories(fs: FileSystem, root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(`${root}/runs`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const runs: string[] = [];
  for (const name of names.filter(isValidRunId).sort()) {
    if (await isDirectory(fs, runDir(root, name))) runs.push(name);
  }
  return runs;
}

/** The run id, when the run's directory exists; else WFM-RUN-NOT-FOUND. */
async function existingRun(fs: FileSystem, root: string, runId: string): Promise<string> {
  if (!isValidRunId(runId) || !(await isDirectory(fs, runDir(root, runId)))) {
    throw wfmError("WFM-RUN-NOT-FOUND", {
      message: `There is no run ${runId} under ${root}.`,
      context: { runId, path: root },
    });
  }
  return runId;
}

const runDir = (root: string, runId: string) => `${root}/runs/${runId}`;

async function isDirectory(fs: FileSystem, path: string): Promise<boolean> {
  return fs.stat(path).then(
    (stat) => stat.isDirectory(),
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return false;
      throw error;
    },
  );
}
