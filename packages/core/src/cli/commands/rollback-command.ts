import type { RollbackOutcome, RollbackStep, RunSnapshot } from "../../engine/index.js";
import { exitCodeFor } from "../../engine/index.js";
import { isWorkflowMasterError } from "../../errors/index.js";
import { renderError, sanitise } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { phaseValue } from "../status-view.js";
import {
  depthOf,
  githubApiUrl,
  readingEngine,
  repositoryFor,
  runIdArgument,
  tokenFor,
} from "./command-context.js";
import { openCommandSession } from "./command-session.js";
import { devInputOf } from "./resume-command.js";
import { savedAttempts } from "./run-outcome.js";

export interface RollbackCommandOptions {
  runId: string;
  dryRun: boolean;
  cwd?: string;
  json: boolean;
  chaosFaultPoint?: string;
}

/** What is kept on this machine after a rollback: nothing local is ever undone. */
export interface LocalWork {
  branch?: { name: string; sha: string | undefined };
  /** The implement step's changes, still uncommitted in the working tree. */
  uncommitted: boolean;
  savedAttempts: { ref: string; commit: string }[];
}

/**
 * `workflowmaster rollback RUN_ID [--dry-run]`: undoes what the run did on
 * GitHub and the remote, newest first (close the pull request, delete the
 * remote branch unless a pull request from it was merged, comment on and
 * close the issue), and keeps the local work (the branch, its commit, any
 * uncommitted change, the saved attempts), naming it. `--dry-run` prints
 * the plan and changes nothing (no token needed).
 */
export async function rollbackCommand(io: CliIo, options: RollbackCommandOptions): Promise<number> {
  const depth = depthOf(io);
  const repoDir = await repositoryFor(io, options.cwd, "rollback");
  const runId = runIdArgument(options.runId);
  const snapshot = await readingEngine(io, repoDir).status(runId);
  const input = devInputOf(snapshot);
  const baseUrl = githubApiUrl(io, "rollback");
  let token: string;
  try {
    token = (await tokenFor(io, repoDir, { repo: input.repo, runId })).token;
  } catch (error) {
    // A dry run sends nothing anywhere: it needs no token.
    if (
      !options.dryRun ||
      !isWorkflowMasterError(error) ||
      error.code !== "WFM-GITHUB-TOKEN-MISSING"
    ) {
      throw error;
    }
    token = "dry-run-sends-nothing";
  }
  const { out, progress, session, interruptible, close } = openCommandSession(io, {
    subcommand: "rollback",
    repoDir,
    runId,
    input,
    token,
    baseUrl,
    chaosFaultPoint: options.chaosFaultPoint,
    depth,
  });
  try {
    return await interruptible(async (signal) => {
      const outcome = await session.engine.rollback(session.workflow, runId, {
        dryRun: options.dryRun,
        signal,
      });
      progress.stop();
      const local = await localWork(out, repoDir, outcome.snapshot);
      report(out, outcome, local, options.json);
      return exitCodeFor({
        state: outcome.state,
        error: outcome.error,
        dryRun: outcome.dryRun,
      });
    });
  } finally {
    await close();
  }
}

async function localWork(io: CliIo, repoDir: string, snapshot: RunSnapshot): Promise<LocalWork> {
  const name = phaseValue(snapshot, "branch")?.name;
  let branch: LocalWork["branch"];
  if (typeof name === "string") {
    const tip = await io.ports.spawner.run(
      "git",
      ["rev-parse", "--verify", "--quiet", `refs/heads/${name}`],
      {
        cwd: repoDir,
        env: { LC_ALL: "C" },
      },
    );
    branch = { name, sha: tip.exitCode === 0 ? tip.stdout.trim() : undefined };
  }
  const implemented =
    snapshot.phases.find((phase) => phase.name === "implement")?.status === "completed";
  const committed = ["completed", "compensated"].includes(
    snapshot.phases.find((phase) => phase.name === "commit")?.status ?? "",
  );
  return {
    ...(branch === undefined ? {} : { branch }),
    uncommitted: implemented && !committed,
    savedAttempts: await savedAttempts(io, repoDir, snapshot.runId),
  };
}

function describe(step: RollbackStep, snapshot: RunSnapshot): string {
  const value = phaseValue(snapshot, step.phase);
  const branch = phaseValue(snapshot, "branch")?.name;
  if (step.action === "check-by-hand") {
    return `${step.phase}: may have happened and cannot be looked up — check by hand`;
  }
  const lookFirst =
    step.action === "reconcile-then-compensate" ? "look up whether it happened, then " : "";
  switch (step.phase) {
    case "pull-request":
      return value?.origin === "adopted"
        ? `pull-request: leave #${String(value.number)} open (it is not this run's)`
        : `pull-request: ${lookFirst}close${value === undefined ? " the pull request" : ` #${String(value.number)}`}`;
    case "push":
      return `push: ${lookFirst}delete ${String(branch ?? "the branch")} on ${String(value?.remote ?? "the remote")} (only while it is at the run's commit and no pull request from it was merged)`;
    case "issue":
      return `issue: ${lookFirst}comment on and close${value === undefined ? " the issue" : ` #${String(value.number)}`}`;
    default:
      return step.action === "keep"
        ? `${step.phase}: keep (local work is never undone)`
        : `${step.phase}: ${lookFirst}undo`;
  }
}

function report(io: CliIo, outcome: RollbackOutcome, local: LocalWork, json: boolean): void {
  if (json) {
    io.stdout.write(
      `${JSON.stringify({
        runId: outcome.runId,
        state: outcome.state,
        dryRun: outcome.dryRun,
        plan: outcome.plan,
        compensated: outcome.compensated,
        incomplete: outcome.incomplete,
        kept: outcome.kept,
        localWork: local,
        ...(outcome.error === undefined ? {} : { error: outcome.error.toJSON() }),
      })}\n`,
    );
  } else {
    const lines = [
      outcome.dryRun
        ? `Rollback plan for run ${outcome.runId} (dry run: nothing was changed):`
        : `Run ${outcome.runId} ${outcome.state === "rolled-back" && outcome.error === undefined ? "rolled back" : `rollback ended ${outcome.state}`}.`,
    ];
    if (outcome.plan.length === 0) lines.push("  Nothing to undo.");
    for (const step of outcome.plan) lines.push(`  - ${describe(step, outcome.snapshot)}`);
    if (!outcome.dryRun) {
      if (outcome.compensated.length > 0) lines.push(`  Undone: ${outcome.compensated.join(", ")}`);
      if (outcome.incomplete.length > 0)
        lines.push(`  Not undone: ${outcome.incomplete.join(", ")}`);
    }
    lines.push(outcome.dryRun ? "Local work that will be kept:" : "Local work kept:");
    if (local.branch !== undefined) {
      lines.push(
        `  Branch ${local.branch.name}${local.branch.sha === undefined ? " (not found)" : ` at ${local.branch.sha.slice(0, 12)}`}`,
      );
    }
    if (local.uncommitted)
      lines.push("  The implement step's changes, uncommitted in the working tree");
    for (const attempt of local.savedAttempts) {
      lines.push(
        `  ${attempt.ref} (${attempt.commit.slice(0, 12)}): an interrupted attempt's work`,
      );
    }
    if (local.branch === undefined && !local.uncommitted && local.savedAttempts.length === 0) {
      lines.push("  (none: the run made no local changes)");
    }
    io.stdout.write(sanitise(`${lines.join("\n")}\n`));
  }
  if (outcome.error !== undefined) io.stderr.write(renderError(outcome.error));
  for (const warning of outcome.warnings) {
    io.stderr.write(`warning: ${warning.code}: ${sanitise(warning.message)}\n`);
  }
}
