import type { Phase } from "../../../engine/index.js";
import {
  closePullRequest,
  ensurePullRequest,
  findPullRequest,
  GITHUB_TARGET,
  observePullRequest,
} from "../../../github/index.js";
import { pullRequestBody } from "../dev-bodies.js";
import type { DevRunInput } from "../dev-run-input.js";
import type { DevRuntime } from "../dev-runtime.js";
import {
  branchValueSchema,
  earlier,
  issueValueSchema,
  type PullRequestValue,
  parseValue,
  pullRequestValueSchema,
} from "../dev-values.js";

/**
 * The pull request from the run's branch to the base, its body linking the
 * issue (`Closes #N`) and carrying the run's marker. Looked up by head
 * before it is created, observed afterwards (open, right head and base).
 * Rollback closes it, unless it was adopted (someone else's).
 */
export function pullRequestPhase(rt: DevRuntime): Phase<DevRunInput, PullRequestValue> {
  return {
    name: "pull-request",
    target: GITHUB_TARGET,
    async run(ctx) {
      const { name: branch } = earlier(ctx, "branch", branchValueSchema);
      const issue = earlier(ctx, "issue", issueValueSchema);
      const pull = await ensurePullRequest(rt.github, rt.repo, {
        runId: ctx.runId,
        head: branch,
        base: rt.base,
        title: ctx.input.title.trim(),
        body: pullRequestBody(ctx.input.body, issue.number, ctx.runId),
        signal: ctx.signal,
      });
      return parseValue(pullRequestValueSchema, pull, "pull-request");
    },
    async reconcile(ctx) {
      const { name: branch } = earlier(ctx, "branch", branchValueSchema);
      const found = await findPullRequest(rt.github, rt.repo, {
        runId: ctx.runId,
        head: branch,
        base: rt.base,
        signal: ctx.signal,
      });
      return found === undefined
        ? { found: false }
        : { found: true, value: parseValue(pullRequestValueSchema, found, "pull-request") };
    },
    postcondition(ctx, pull) {
      return observePullRequest(rt.github, rt.repo, {
        runId: ctx.runId,
        number: pull.number,
        head: earlier(ctx, "branch", branchValueSchema).name,
        base: rt.base,
        requireMarker: pull.origin !== "adopted",
        signal: ctx.signal,
      });
    },
    async compensate(ctx, pull) {
      if (pull.origin === "adopted") {
        ctx.progress(`left pull request #${pull.number} open: it is not this run's`);
        return;
      }
      await closePullRequest(rt.github, rt.repo, {
        runId: ctx.runId,
        number: pull.number,
        signal: ctx.signal,
      });
    },
  };
}
