import type { RunSnapshot } from "../../engine/index.js";
import { isWorkflowMasterError, wfmError } from "../../errors/index.js";
import { listRuns, stateRoot } from "../../state/index.js";
import { invalidInput, sanitise, usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { statusJson, statusText } from "../status-view.js";
import { watchRunStatus } from "../status-watch.js";
import { readingEngine, repositoryFor, runIdArgument } from "./command-context.js";

export interface StatusCommandOptions {
  runId?: string;
  cwd?: string;
  json: boolean;
  /** Keep showing the run live until it ends (exit 0 / 1 / 3, 130 when interrupted). */
  watch?: boolean;
  /** Milliseconds between reads with `watch` (default 1000). */
  interval?: string;
}

/** `--interval` with `--watch`: how often the run is read again. */
export const WATCH_INTERVAL_DEFAULT_MS = 1000;

/**
 * `workflowmaster status [RUN_ID]`: the run's state, read without the lock
 * and without repairing anything. Without a run id, the most recently
 * updated run. `--json` prints exactly the DESIGN.md shape. Exit 0 when it
 * could be shown (the run's own state is in the output, not the exit code).
 *
 * `--watch [--interval MS]` shows the same run live (see `watchRunStatus`)
 * and exits with the run's outcome: 0 completed, 1 failed, 3 paused, 130
 * interrupted.
 */
export async function statusCommand(io: CliIo, options: StatusCommandOptions): Promise<number> {
  if (options.watch === true && options.json) {
    throw usageError("--watch and --json cannot be used together; --json prints the state once");
  }
  if (options.watch !== true && options.interval !== undefined) {
    throw usageError("--interval only applies with --watch");
  }
  const intervalMs =
    options.interval === undefined ? WATCH_INTERVAL_DEFAULT_MS : parseInterval(options.interval);
  const repoDir = await repositoryFor(io, options.cwd, "status");
  const engine = readingEngine(io, repoDir);
  let snapshot: RunSnapshot;
  if (options.runId !== undefined) {
    snapshot = await engine.status(runIdArgument(options.runId));
  } else {
    const latest = await latestRun(io, repoDir);
    if (latest === undefined) {
      throw wfmError("WFM-RUN-NOT-FOUND", {
        message: `There are no runs in ${stateRoot(repoDir)} yet.`,
        context: { runId: "(latest)", path: stateRoot(repoDir) },
      });
    }
    snapshot = latest;
  }
  if (options.watch === true) {
    return watchRunStatus(io, { repoDir, runId: snapshot.runId, intervalMs });
  }
  io.stdout.write(
    options.json ? `${JSON.stringify(statusJson(snapshot))}\n` : sanitise(statusText(snapshot)),
  );
  return 0;
}

/** Whole milliseconds from 100 to 60 000: fast enough to follow, slow enough not to spin. */
function parseInterval(text: string): number {
  const value = /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(value >= 100 && value <= 60_000)) {
    throw invalidInput(
      "status",
      "--interval",
      `must be whole milliseconds from 100 to 60000, got ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  return value;
}

/** The run updated last; a run whose state cannot be read is named on standard error and skipped. */
async function latestRun(io: CliIo, repoDir: string): Promise<RunSnapshot | undefined> {
  const engine = readingEngine(io, repoDir);
  let latest: RunSnapshot | undefined;
  for (const runId of await listRuns({ fs: io.ports.fs, root: stateRoot(repoDir) })) {
    let snapshot: RunSnapshot;
    try {
      snapshot = await engine.status(runId);
    } catch (error) {
      if (!isWorkflowMasterError(error)) throw error;
      io.stderr.write(
        `note: run ${runId} could not be read (${error.code}); \`workflowmaster doctor\` says more.\n`,
      );
      continue;
    }
    if (latest === undefined || snapshot.updatedAt >= latest.updatedAt) latest = snapshot;
  }
  return latest;
}
