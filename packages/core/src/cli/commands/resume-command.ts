import type { RunSnapshot } from "../../engine/index.js";
import { wfmError } from "../../errors/index.js";
import { DEV_WORKFLOW, type DevRunInput, parseDevRunInput } from "../../workflows/index.js";
import { alertSettings } from "../alert-settings.js";
import type { CliIo } from "../cli-io.js";
import { statusJson } from "../status-view.js";
import {
  depthOf,
  githubApiUrl,
  readingEngine,
  repositoryFor,
  runIdArgument,
  tokenFor,
} from "./command-context.js";
import { openCommandSession } from "./command-session.js";
import { reportOutcome } from "./run-outcome.js";

export interface ResumeCommandOptions {
  runId: string;
  cwd?: string;
  json: boolean;
  chaosFaultPoint?: string;
  /** `--no-alert-comment` sets it false: alerts are not commented on the run's issue. */
  alertComment?: boolean;
}

/**
 * The input a development run was started with, from its journal: what
 * `resume` and `rollback` rebuild the same workflow from.
 */
export function devInputOf(snapshot: RunSnapshot): DevRunInput {
  if (snapshot.workflow !== DEV_WORKFLOW) {
    throw wfmError("WFM-RUN-WORKFLOW-MISMATCH", {
      message: `Run ${snapshot.runId} was started by workflow \`${snapshot.workflow}\`, not \`${DEV_WORKFLOW}\`.`,
      context: { runId: snapshot.runId, detail: `workflow \`${snapshot.workflow}\`` },
    });
  }
  try {
    return parseDevRunInput(snapshot.input);
  } catch (error) {
    throw wfmError("WFM-RUN-WORKFLOW-MISMATCH", {
      message: `Run ${snapshot.runId}'s journaled input is not what this version reads: ${(error as Error).message}`,
      context: { runId: snapshot.runId, detail: "an input this version does not read" },
      cause: error,
    });
  }
}

/**
 * `workflowmaster resume RUN_ID`: rebuilds the workflow from the run's
 * journaled input and continues it; the engine reconciles any phase caught
 * between intent and result before redoing anything. A completed run is
 * reported as such (exit 0); other finished runs cannot be resumed (exit 2).
 */
export async function resumeCommand(io: CliIo, options: ResumeCommandOptions): Promise<number> {
  const depth = depthOf(io);
  const repoDir = await repositoryFor(io, options.cwd, "resume");
  const runId = runIdArgument(options.runId);
  const snapshot = await readingEngine(io, repoDir).status(runId);
  const input = devInputOf(snapshot);
  if (snapshot.state === "completed") {
    if (options.json) {
      io.stdout.write(`${JSON.stringify(statusJson(snapshot))}\n`);
    } else {
      io.stdout.write(`Run ${runId} already completed; there is nothing to resume.\n`);
    }
    return 0;
  }
  const baseUrl = githubApiUrl(io, "resume");
  const alerts = alertSettings(io, "resume", options);
  const { token } = await tokenFor(io, repoDir, { repo: input.repo, runId });
  const { out, progress, session, interruptible, close } = openCommandSession(io, {
    subcommand: "resume",
    repoDir,
    runId,
    input,
    token,
    baseUrl,
    chaosFaultPoint: options.chaosFaultPoint,
    depth,
    alerts,
  });
  try {
    return await interruptible(async (signal) => {
      const outcome = await session.engine.resume(session.workflow, runId, { signal });
      progress.stop();
      return reportOutcome(out, outcome, { json: options.json, repoDir });
    });
  } finally {
    await close();
  }
}
