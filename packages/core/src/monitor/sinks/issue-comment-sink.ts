import { z } from "zod";
import { err, ok } from "../../errors/result.js";
import type { GithubClient } from "../../github/github-client.js";
import { comment } from "../../github/operations/comment.js";
import { parseRepoRef, type RepoRef, repoSlug } from "../../github/repo-ref.js";
import { parseOptions } from "../../retry/parse-options.js";
import type { Alert } from "../alerts.js";
import type { AlertSink } from "./alert-sink.js";
import { asError } from "./alert-sink.js";

const IssueCommentSinkOptionsSchema = z.strictObject({
  client: z.custom<GithubClient>((value) => typeof value === "object" && value !== null, {
    message: "expected a GithubClient",
  }),
  repo: z.custom<RepoRef>((value) => typeof value === "object" && value !== null, {
    message: "expected { owner, repo }",
  }),
  /** The workflow's issue. */
  issueNumber: z.int().min(1),
  /** The run whose issue it is: the comment markers carry it. */
  runId: z.string().min(1),
});

export type IssueCommentSinkOptions = z.input<typeof IssueCommentSinkOptionsSchema>;

/** The marker phase of alert comments, apart from the workflow's own comments. */
export const ALERT_COMMENT_PHASE = "alert";

/**
 * Posts each alert once as a comment on the workflow's issue. The comment
 * carries a marker keyed by the alert's run and code, and `comment` looks
 * the marker up before posting (and again after a lost answer), so the same
 * alert delivered twice, or across a restart, leaves exactly one comment.
 * A failed delivery resolves to an error result; it never throws.
 */
export function issueCommentSink(options: IssueCommentSinkOptions): AlertSink {
  const { client, repo, issueNumber, runId } = parseOptions(
    IssueCommentSinkOptionsSchema,
    options,
    "issue comment sink options",
  );
  const ref = parseRepoRef(repo);
  const where = `${repoSlug(ref)}#${issueNumber}`;
  return {
    name: `issue comment ${where}`,
    async deliver(alert) {
      try {
        await comment(client, ref, {
          runId,
          phase: ALERT_COMMENT_PHASE,
          issueNumber,
          body: alertCommentBody(alert),
          key: alertCommentKey(alert),
        });
        return ok(undefined);
      } catch (error) {
        return err(
          new Error(`Could not comment alert ${alert.code} on ${where}.`, {
            cause: asError(error),
          }),
        );
      }
    },
  };
}

/** One comment per alert code and run: `ALERT-RETRIES.r1`. */
export function alertCommentKey(alert: Alert): string {
  return `${alert.code}.${alert.runId}`;
}

/** What a person reads on the issue. */
export function alertCommentBody(alert: Alert): string {
  return [
    `**WorkflowMaster alert** (${alert.level}) \`${alert.code}\` on run \`${alert.runId}\``,
    "",
    alert.message,
    "",
    `Acknowledge it with \`workflowmaster alerts --ack ${alert.code} ${alert.runId}\`.`,
  ].join("\n");
}
