import type { Phase } from "../../../engine/index.js";
import { err, ok, wfmError } from "../../../errors/index.js";
import { callGithub } from "../../../github/index.js";
import type { DevRunInput } from "../dev-run-input.js";
import { commandContext, type DevRuntime } from "../dev-runtime.js";
import { branchValueSchema, earlier, type PushValue } from "../dev-values.js";

/** The budget key of pushes, fetches and ls-remote. */
export const GIT_REMOTE_TARGET = "git-remote";

/**
 * Pushes the branch (core/git's push: explicit refspec, never forced,
 * reconciled by `ls-remote`, rebased when the remote moved on). Done when
 * `ls-remote` shows the branch at our commit. Rollback deletes the remote
 * branch, with a lease on our commit so nothing someone else pushed is
 * deleted, and not at all when a pull request from it was merged.
 */
export function pushPhase(rt: DevRuntime): Phase<DevRunInput, PushValue> {
  const localTip = async (branch: string) =>
    (await rt.plumbing.run(["rev-parse", "--verify", `refs/heads/${branch}^{commit}`])).trim();

  return {
    name: "push",
    target: GIT_REMOTE_TARGET,
    async run(ctx) {
      const { name: branch } = earlier(ctx, "branch", branchValueSchema);
      const pushed = await rt.git.push(branch, {
        signal: ctx.signal,
        onRetry: (info) => ctx.progress(`push retrying after ${info.error.code}`),
      });
      return {
        sha: pushed.sha,
        remote: pushed.remote,
        outcome: pushed.outcome,
        rebases: pushed.rebases,
      };
    },
    async reconcile(ctx) {
      const { name: branch } = earlier(ctx, "branch", branchValueSchema);
      const local = await localTip(branch);
      const remote = await rt.git.remoteBranchSha(branch, { signal: ctx.signal });
      if (remote !== local) return { found: false };
      return {
        found: true,
        value: { sha: local, remote: rt.remote, outcome: "already-on-remote", rebases: 0 },
      };
    },
    async postcondition(ctx, value) {
      const { name: branch } = earlier(ctx, "branch", branchValueSchema);
      const remote = await rt.git.remoteBranchSha(branch, { signal: ctx.signal });
      if (remote !== value.sha) {
        return err(
          `${value.remote} has ${branch} at ${remote ?? "nothing"}, not at the pushed ${value.sha}`,
        );
      }
      return ok(undefined);
    },
    async compensate(ctx, value) {
      const { name: branch } = earlier(ctx, "branch", branchValueSchema);
      if (await mergedFrom(rt, ctx.runId, branch, ctx.signal)) {
        ctx.progress(`kept ${branch} on ${value.remote}: a pull request from it was merged`);
        return;
      }
      const remote = await rt.git.remoteBranchSha(branch, { signal: ctx.signal });
      if (remote === undefined) return;
      if (remote !== value.sha) {
        throw wfmError("WFM-DEV-REMOTE-BRANCH-MOVED", {
          message: `Branch ${branch} on ${value.remote} is at ${remote}, not at ${value.sha}, which run ${ctx.runId} pushed; it was not deleted.`,
          context: commandContext({
            runId: ctx.runId,
            cwd: rt.git.dir,
            remote: value.remote,
            branch,
            sha: value.sha,
            head: remote,
          }),
        });
      }
      // The lease makes git refuse if the branch moved since ls-remote looked.
      await rt.plumbing.run(
        [
          "push",
          "--porcelain",
          `--force-with-lease=refs/heads/${branch}:${value.sha}`,
          "--",
          value.remote,
          `:refs/heads/${branch}`,
        ],
        { signal: ctx.signal },
      );
      const after = await rt.git.remoteBranchSha(branch, { signal: ctx.signal });
      if (after !== undefined) {
        throw new Error(
          `Deleting ${branch} on ${value.remote} reported success, but ls-remote still shows it at ${after}.`,
        );
      }
    },
  };
}

/** Whether any pull request from `branch` was merged (then its branch is history, and kept). */
async function mergedFrom(
  rt: DevRuntime,
  runId: string,
  branch: string,
  signal: AbortSignal,
): Promise<boolean> {
  const pulls = await callGithub(
    rt.github,
    (attemptSignal) =>
      rt.github.paginate(rt.github.rest.pulls.list, {
        owner: rt.repo.owner,
        repo: rt.repo.repo,
        head: `${rt.repo.owner}:${branch}`,
        state: "closed",
        per_page: 100,
        request: { signal: attemptSignal },
      }),
    { runId, repo: rt.repo, branch, signal },
  );
  return pulls.some((pull) => pull.head.ref === branch && pull.merged_at != null);
}
