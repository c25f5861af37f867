import type { Phase } from "../../../engine/index.js";
import { err, ok, wfmError } from "../../../errors/index.js";
import { commitMessage, runTrailer } from "../dev-bodies.js";
import type { DevRunInput } from "../dev-run-input.js";
import {
  commandContext,
  type DevRuntime,
  expectBranchAt,
  guardRepository,
} from "../dev-runtime.js";
import {
  branchValueSchema,
  type CommitValue,
  earlier,
  implementValueSchema,
  issueValueSchema,
} from "../dev-values.js";
import { nulList } from "../git-plumbing.js";
import { snapshotWorkTree, temporaryIndexPath } from "../work-tree.js";

/**
 * Commits exactly what the implement step produced (checked by tree id
 * first), as one commit on the base, carrying the run's trailer so a
 * resumed run recognises it. Observed afterwards: the commit exists, the
 * branch points to it, its parent is the base and its tree is the
 * implement step's tree.
 */
export function commitPhase(rt: DevRuntime): Phase<DevRunInput, CommitValue> {
  return {
    name: "commit",
    async run(ctx) {
      const { name: branch } = earlier(ctx, "branch", branchValueSchema);
      const implement = earlier(ctx, "implement", implementValueSchema);
      const issue = earlier(ctx, "issue", issueValueSchema);
      for (const repair of await guardRepository(rt, ctx.signal))
        ctx.progress(`repaired ${repair}`);
      await expectBranchAt(rt, {
        runId: ctx.runId,
        branch,
        sha: implement.start,
        why: "the commit goes on the branch's base commit",
      });
      const now = await snapshotWorkTree(rt.plumbing, rt.fs, {
        start: implement.start,
        indexPath: temporaryIndexPath(rt.stateDir, ctx.runId, "commit"),
        signal: ctx.signal,
      });
      if (now.tree !== implement.tree) {
        const differ = nulList(
          await rt.plumbing.run(["diff", "--name-only", "-z", implement.tree, now.tree, "--"]),
        );
        throw wfmError("WFM-DEV-WORK-CHANGED", {
          message: `The working tree of ${rt.git.dir} changed after the implement step of run ${ctx.runId} (${differ.join(", ")}).`,
          context: commandContext({
            runId: ctx.runId,
            cwd: rt.git.dir,
            tree: implement.tree,
            files: differ.join(", "),
          }),
        });
      }
      const committed = await rt.git.commitAll(
        commitMessage(ctx.input.title, issue.number, ctx.runId),
        { signal: ctx.signal },
      );
      return { sha: committed.sha, files: [...committed.files].sort() };
    },
    async reconcile(ctx) {
      const { name: branch } = earlier(ctx, "branch", branchValueSchema);
      const implement = earlier(ctx, "implement", implementValueSchema);
      await guardRepository(rt, ctx.signal);
      const tip = await rt.plumbing.tryRun([
        "rev-parse",
        "--verify",
        "--quiet",
        `refs/heads/${branch}^{commit}`,
      ]);
      if (!tip.ok) return { found: false };
      const sha = tip.stdout.trim();
      if (sha === implement.start) return { found: false };
      const parent = await rt.plumbing.tryRun(["rev-parse", "--verify", "--quiet", `${sha}^1`]);
      const message = await rt.plumbing.run(["log", "-1", "--format=%B", sha]);
      if (!parent.ok || parent.stdout.trim() !== implement.start) return { found: false };
      if (!message.split("\n").includes(runTrailer(ctx.runId))) return { found: false };
      const files = nulList(
        await rt.plumbing.run([
          "diff",
          "--name-only",
          "--no-renames",
          "-z",
          implement.start,
          sha,
          "--",
        ]),
      ).sort();
      return { found: true, value: { sha, files } };
    },
    async postcondition(ctx, value) {
      const { name: branch } = earlier(ctx, "branch", branchValueSchema);
      const implement = earlier(ctx, "implement", implementValueSchema);
      const exists = await rt.plumbing.tryRun(["cat-file", "-e", `${value.sha}^{commit}`]);
      if (!exists.ok) return err(`commit ${value.sha} does not exist in ${rt.git.dir}`);
      const tip = await rt.plumbing.run(["rev-parse", `refs/heads/${branch}`]);
      if (tip.trim() !== value.sha)
        return err(`branch ${branch} is at ${tip.trim()}, not at ${value.sha}`);
      const parent = (await rt.plumbing.run(["rev-parse", `${value.sha}^1`])).trim();
      if (parent !== implement.start) {
        return err(`commit ${value.sha} has parent ${parent}, not the base ${implement.start}`);
      }
      const tree = (await rt.plumbing.run(["rev-parse", `${value.sha}^{tree}`])).trim();
      if (tree !== implement.tree) {
        return err(
          `commit ${value.sha} holds tree ${tree}, not the implement step's ${implement.tree}`,
        );
      }
      return ok(undefined);
    },
  };
}
