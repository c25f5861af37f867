import type { RunSnapshot } from "../../engine/index.js";
import { isWorkflowMasterError, wfmError } from "../../errors/index.js";
import { listRuns, stateRoot } from "../../state/index.js";
import { sanitise } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { statusJson, statusText } from "../status-view.js";
import { readingEngine, repositoryFor, runIdArgument } from "./command-context.js";

export interface StatusCommandOptions {
  runId?: string;
  cwd?: string;
  json: boolean;
}

/**
 * `workflowmaster status [RUN_ID]`: the run's state, read without the lock
 * and without repairing anything. Without a run id, the most recently
 * updated run. `--json` prints exactly the DESIGN.md shape. Exit 0 when it
 * could be shown (the run's own state is in the output, not the exit code).
 */
export async function statusCommand(io: CliIo, options: StatusCommandOptions): Promise<number> {
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
  io.stdout.write(
    options.json ? `${JSON.stringify(statusJson(snapshot))}\n` : sanitise(statusText(snapshot)),
  );
  return 0;
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
