import { wfmError } from "../../errors/index.js";
import { acknowledgeAlert, formatAlert, listActiveAlerts } from "../../monitor/index.js";
import { stateRoot } from "../../state/index.js";
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

/**
 * `workflowmaster alerts [RUN_ID]`: the alerts the default thresholds raise
 * from each run's `events.ndjson`, minus those a person acknowledged
 * (`--json`: an array of `{ runId, level, code, message }`). `--ack CODE
 * RUN_ID` appends an `alert.acknowledged` event to the run's events, so the
 * alert no longer lists as active. Exit 0; an unknown run is exit 2. The
 * listing and acknowledging live in `monitor/active-alerts.ts`, shared with
 * the dashboard.
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
  const { alerts, unreadable } = await listActiveAlerts({
    fs: io.ports.fs,
    root,
    ...(options.runId === undefined ? {} : { runId: runIdArgument(options.runId) }),
  });
  for (const damaged of unreadable) {
    if (damaged.invalidLines.length > 0) {
      io.stderr.write(
        `note: skipped unreadable lines ${damaged.invalidLines.join(", ")} of ${damaged.path}\n`,
      );
    }
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify(alerts, null, 2)}\n`);
  } else if (alerts.length === 0) {
    io.stdout.write("No active alerts.\n");
  } else {
    for (const alert of alerts) io.stdout.write(`${oneLine(formatAlert(alert))}\n`);
  }
  return 0;
}

async function acknowledge(io: CliIo, root: string, runId: string, code: string): Promise<number> {
  const outcome = await acknowledgeAlert({
    fs: io.ports.fs,
    clock: io.ports.clock,
    root,
    runId,
    code,
  });
  if (!outcome.ok) {
    const { reason, message } = outcome.refusal;
    if (reason === "unknown-run") {
      throw wfmError("WFM-RUN-NOT-FOUND", { message, context: { runId, path: root } });
    }
    throw invalidInput("alerts", "--ack", message);
  }
  io.stdout.write(`Acknowledged ${code} of run ${runId}.\n`);
  return 0;
}
