import type { Phase, PhaseContext } from "../../../engine/index.js";
import { err, ok, wfmError } from "../../../errors/index.js";
import { listSavedAttempts, saveAttempt } from "../attempt-refs.js";
import type { DevRunInput } from "../dev-run-input.js";
import {
  commandContext,
  type DevRuntime,
  expectBranchAt,
  guardRepository,
} from "../dev-runtime.js";
import {
  branchValueSchema,
  earlier,
  type ImplementValue,
  issueValueSchema,
} from "../dev-values.js";
import { resetWorkTree, snapshotWorkTree, temporaryIndexPath } from "../work-tree.js";

/** How many changed paths an error message lists before "and N more". */
const LISTED = 10;

/**
 * Runs the user's command (`sh -c`) in the working tree under the phase's
 * inactivity watchdog (output counts as progress) and overall timeout, and
 * requires a non-empty change. An attempt is always run from the tree it
 * started from: whatever an interrupted attempt left (a kill, a timeout, an
 * interruption) is first kept as a commit under
 * `refs/workflowmaster/<runId>/implement-attempt-<n>` and the tree reset,
 * so partial work is never lost and never applied twice. A command an
 * earlier, killed process left running is stopped first.
 */
export function implementPhase(rt: DevRuntime): Phase<DevRunInput, ImplementValue> {
  const settings = rt.implement;
  // A retry after a timeout or inactivity runs the command again once; the
  // deadline leaves room for both attempts and the backoff between them.
  const retry = {
    maxAttempts: 2,
    deadlineMs: Math.max(600_000, settings.timeoutMs * 2 + 120_000),
  };

  const indexPath = (runId: string) => temporaryIndexPath(rt.stateDir, runId, "implement");

  return {
    name: "implement",
    inactivityMs: settings.inactivityMs,
    timeoutMs: settings.timeoutMs,
    retry,
    async run(ctx) {
      const { name: branch, baseSha: start } = earlier(ctx, "branch", branchValueSchema);
      const issue = earlier(ctx, "issue", issueValueSchema);
      const runner = rt.runner(ctx.runId);
      const stopped = await runner.stopLeftovers();
      if (stopped !== undefined) ctx.progress(stopped);
      // Before anything resets the tree: a merge half done or a damaged index is a person's to fix.
      for (const repair of await guardRepository(rt, ctx.signal))
        ctx.progress(`repaired ${repair}`);
      await expectBranchAt(rt, {
        runId: ctx.runId,
        branch,
        sha: start,
        why: "the implement step runs on the branch's base commit",
      });

      const before = await snapshotWorkTree(rt.plumbing, rt.fs, {
        start,
        indexPath: indexPath(ctx.runId),
        signal: ctx.signal,
      });
      ctx.progress("looked at the working tree");
      if (before.files.length > 0) {
        if (ctx.attempt === 1) {
          // Nothing of ours ran yet: these are someone's files, and commitAll would sweep them in.
          throw wfmError("WFM-DEV-TREE-NOT-CLEAN", {
            message: `${rt.git.dir} holds changes before the implement step of run ${ctx.runId} ran: ${listed(before.files)}.`,
            context: commandContext({
              runId: ctx.runId,
              cwd: rt.git.dir,
              files: listed(before.files),
            }),
          });
        }
        const saved = await saveAttempt(rt.plumbing, {
          runId: ctx.runId,
          attempt: ctx.attempt - 1,
          start,
          tree: before.tree,
          files: before.files,
          signal: ctx.signal,
        });
        ctx.progress(`kept the interrupted attempt's work as ${saved.ref}`);
        await resetWorkTree(rt.plumbing, { start, signal: ctx.signal });
        const clean = await snapshotWorkTree(rt.plumbing, rt.fs, {
          start,
          indexPath: indexPath(ctx.runId),
          signal: ctx.signal,
        });
        if (clean.files.length > 0) {
          throw new Error(
            `Resetting ${rt.git.dir} to ${start} left changes in ${listed(clean.files)}; the implement command was not run.`,
          );
        }
      }

      ctx.progress("starting the implement command");
      const result = await runner.run({
        command: settings.command,
        attempt: ctx.attempt,
        env: {
          ...settings.env,
          WORKFLOWMASTER_RUN_ID: ctx.runId,
          WORKFLOWMASTER_ATTEMPT: String(ctx.attempt),
          WORKFLOWMASTER_TITLE: ctx.input.title,
          WORKFLOWMASTER_BRANCH: branch,
          WORKFLOWMASTER_ISSUE_NUMBER: String(issue.number),
          WORKFLOWMASTER_ISSUE_URL: issue.url,
        },
        signal: ctx.signal,
        killGraceMs: settings.killGraceMs,
        onOutput: (chunk, stream) => {
          ctx.progress(lastLine(chunk));
          settings.onOutput?.(chunk, stream);
        },
      });
      // Abandoned by the watchdog or an interruption: its outcome is not ours to report.
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (result.exitCode !== 0) throw commandFailed(rt, ctx, result);

      await expectBranchAt(rt, {
        runId: ctx.runId,
        branch,
        sha: start,
        why: "the implement command must leave its changes uncommitted",
      });
      const after = await snapshotWorkTree(rt.plumbing, rt.fs, {
        start,
        indexPath: indexPath(ctx.runId),
        signal: ctx.signal,
      });
      if (after.files.length === 0) {
        throw wfmError("WFM-IMPLEMENT-EMPTY-DIFF", {
          message: `The implement command of run ${ctx.runId} exited 0 but changed nothing in ${rt.git.dir}.`,
          context: commandContext({ runId: ctx.runId, cwd: rt.git.dir }),
        });
      }
      const savedAttempts = await listSavedAttempts(rt.plumbing, ctx.runId, ctx.signal);
      return {
        start,
        tree: after.tree,
        files: [...after.files],
        attempt: ctx.attempt,
        savedAttempts,
        ...(stopped === undefined ? {} : { stoppedLeftover: stopped }),
      };
    },
    // An interrupted attempt's tree cannot be told from a finished one, so it
    // is never adopted: `run` keeps it under a ref and runs the command again.
    reconcile: () => Promise.resolve({ found: false }),
    async postcondition(ctx, value) {
      const observed = await snapshotWorkTree(rt.plumbing, rt.fs, {
        start: value.start,
        indexPath: indexPath(ctx.runId),
        signal: ctx.signal,
      });
      if (observed.files.length === 0)
        return err(`the working tree of ${rt.git.dir} holds no change`);
      if (observed.tree !== value.tree) {
        return err(
          `the working tree is tree ${observed.tree}, not the ${value.tree} the command left`,
        );
      }
      return ok(undefined);
    },
  };
}

function commandFailed(
  rt: DevRuntime,
  ctx: PhaseContext<DevRunInput>,
  result: { exitCode: number | null; signal: NodeJS.Signals | null; stderr: string },
) {
  const ended =
    result.signal !== null
      ? `was killed by ${result.signal}`
      : `exited with code ${result.exitCode}`;
  const last = lastLine(result.stderr);
  const detail = `${ended}${last === "" ? "" : ` (${last.slice(0, 200)})`}`;
  return wfmError("WFM-IMPLEMENT-FAILED", {
    message: `The implement command of run ${ctx.runId} ${detail}.`,
    context: commandContext({ runId: ctx.runId, cwd: rt.git.dir, detail }),
  });
}

function lastLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== "")
      .at(-1) ?? ""
  );
}

function listed(files: readonly string[]): string {
  const shown = files.slice(0, LISTED).join(", ");
  return files.length > LISTED ? `${shown} and ${files.length - LISTED} more` : shown;
}
