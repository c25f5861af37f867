import type { Phase } from "../../../engine/index.js";
import {
  closeIssue,
  comment,
  ensureIssue,
  findIssueByMarker,
  GITHUB_TARGET,
  observeIssue,
} from "../../../github/index.js";
import { issueBody, rollbackComment } from "../dev-bodies.js";
import type { DevRunInput } from "../dev-run-input.js";
import type { DevRuntime } from "../dev-runtime.js";
import { branchValueSchema, type IssueValue, issueValueSchema, parseValue } from "../dev-values.js";

/**
 * The run's issue: looked up by the run's marker before it is ever
 * created (core/github's ensureIssue), observed by number afterwards, and
 * on rollback commented on and closed.
 */
export function issuePhase(rt: DevRuntime): Phase<DevRunInput, IssueValue> {
  return {
    name: "issue",
    target: GITHUB_TARGET,
    async run(ctx) {
      const issue = await ensureIssue(rt.github, rt.repo, {
        runId: ctx.runId,
        title: ctx.input.title.trim(),
        body: issueBody(ctx.input.body, ctx.runId),
        signal: ctx.signal,
      });
      return parseValue(issueValueSchema, issue, "issue");
    },
    async reconcile(ctx) {
      const found = await findIssueByMarker(rt.github, rt.repo, {
        runId: ctx.runId,
        signal: ctx.signal,
      });
      return found === undefined
        ? { found: false }
        : { found: true, value: parseValue(issueValueSchema, found, "issue") };
    },
    postcondition(ctx, issue) {
      return observeIssue(rt.github, rt.repo, {
        runId: ctx.runId,
        number: issue.number,
        signal: ctx.signal,
      });
    },
    async compensate(ctx, issue) {
      const branch = Object.hasOwn(ctx.results, "branch")
        ? parseValue(branchValueSchema, ctx.results.branch, "branch").name
        : undefined;
      await comment(rt.github, rt.repo, {
        runId: ctx.runId,
        phase: "rollback",
        key: "issue-closed",
        issueNumber: issue.number,
        body: rollbackComment(ctx.runId, branch),
        signal: ctx.signal,
      });
      await closeIssue(rt.github, rt.repo, {
        runId: ctx.runId,
        number: issue.number,
        signal: ctx.signal,
      });
    },
  };
}
