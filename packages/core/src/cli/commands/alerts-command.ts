import { join } from "node:path";
import { wfmError } from "../../errors/index.js";
import {
  type Alert,
  AlertCode,
  createEventLogSink,
  evaluateAlerts,
  formatAlert,
  readEvents,
} from "../../monitor/index.js";
import { isValidRunId, stateRoot } from "../../state/index.js";
import { invalidInput, oneLine, usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { repositoryFor, runIdArgument } from "./command-context.js";

export interface AlertsCommandOptions {
  /** One run (default: every run of the repository). */
  runId?: string;
  /** Acknowledge this alert code of `runId` instead of listing. */
  ack?: string;
  cwd?: string;
  json: boolean;
}

const ALERT_CODES: ReadonlySet<string> = new Set(Object.values(AlertCode));

/**
 * `workflowmaster alerts [RUN_ID]`: the alerts the default thresholds raise
 * from each run's `events.ndjson`, minus those a person acknowledged
 * (`--json`: an array of `{ runId, level, code, message }`). `--ack CODE
 * RUN_ID` appends an `alert.acknowledged` event to the run's events, so the
 * alert no longer lists as active. Exit 0; an unknown run is exit 2.
 */
export async function alertsCommand(io: CliIo, options: AlertsCommandOptions): Promise<number> {
  const repoDir = await repositoryFor(io, options.cwd, "alerts");
  const root = stateRoot(repoDir);
  if (options.ack !== undefined) {
    if (options.runId === undefined) {
      throw usageError(
        "`alerts --ack CODE` needs the run: workflowmaster alerts --ack CODE RUN_ID",
      );
    }
    return acknowledge(io, root, runIdArgument(options.runId), options.ack.toUpperCase());
  }
  const runIds =
    options.runId === undefined
      ? await allRuns(io, root)
      : [await existingRun(io, root, runIdArgument(options.runId))];
  const alerts: Alert[] = [];
  for (const runId of runIds) alerts.push(...(await activeAlerts(io, root, runId)));
  if (options.json) {
    io.stdout.write(`${JSON.stringify(alerts, null, 2)}\n`);
  } else if (alerts.length === 0) {
    io.stdout.write("No active alerts.\n");
  } else {
    for (const alert of alerts) io.stdout.write(`${oneLine(formatAlert(alert))}\n`);
  }
  return 0;
}

/** The run's alerts under the default thresholds, without the acknowledged codes. */
async function activeAlerts(io: CliIo, root: string, runId: string): Promise<Alert[]> {
  const { events, invalidLines, path } = await readEvents({ fs: io.ports.fs, root, runId });
  if (invalidLines.length > 0) {
    io.stderr.write(`note: skipped unreadable lines ${invalidLines.join(", ")} of ${path}\n`);
  }
  // Only this run's events count, whatever runId a stray line claims.
  const own = events.filter((event) => event.runId === runId);
  const acknowledged = new Set(
    own.flatMap((event) => (event.type === "alert.acknowledged" ? [event.code] : [])),
  );
  return evaluateAlerts(own).filter((alert) => !acknowledged.has(alert.code));
}

async function acknowledge(io: CliIo, root: string, runId: string, code: string): Promise<number> {
  if (!ALERT_CODES.has(code)) {
    throw invalidInput(
      "alerts",
      "--ack",
      `must be an alert code (${[...ALERT_CODES].join(", ")}), got ${JSON.stringify(code)}`,
    );
  }
  await existingRun(io, root, runId);
  const active = await activeAlerts(io, root, runId);
  if (!active.some((alert) => alert.code === code)) {
    throw invalidInput(
      "alerts",
      "--ack",
      `names no active alert of run ${runId}: ${code} is not raised or already acknowledged (list them with \`workflowmaster alerts ${runId}\`)`,
    );
  }
  const log = createEventLogSink({ fs: io.ports.fs, clock: io.ports.clock, root });
  try {
    await log.emit({ type: "alert.acknowledged", runId, code });
  } finally {
    await log.close();
  }
  io.stdout.write(`Acknowledged ${code} of run ${runId}.\n`);
  return 0;
}

/** The run ids under `<root>/runs`, sorted; none when there is no state yet. */
async function allRuns(io: CliIo, root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await io.ports.fs.readdir(join(root, "runs"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const runs: string[] = [];
  // Anything else in the directory (a temp file, a stray name) is not a run.
  for (const name of names.filter(isValidRunId).sort()) {
    if (await isDirectory(io, join(root, "runs", name))) runs.push(name);
  }
  return runs;
}

async function isDirectory(io: CliIo, path: string): Promise<boolean> {
  return io.ports.fs.stat(path).then(
    (stat) => stat.isDirectory(),
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return false;
      throw error;
    },
  );
}

/** The run id, when the run's directory exists; else WFM-RUN-NOT-FOUND (exit 2). */
async function existingRun(io: CliIo, root: string, runId: string): Promise<string> {
  if (!(await isDirectory(io, join(root, "runs", runId)))) {
    throw wfmError("WFM-RUN-NOT-FOUND", {
      message: `There is no run ${runId} under ${root}.`,
      context: { runId, path: root },
    });
  }
  return runId;
}
