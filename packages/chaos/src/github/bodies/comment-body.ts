import { githubTime } from "../model/github-time.js";
import type { CommentRecord } from "../model/model-records.js";
import { type BodyContext, nodeId } from "./body-context.js";
import { simpleUserBody } from "./user-body.js";

/** GitHub's `issue-comment`. */
export function commentBody(context: BodyContext, comment: CommentRecord) {
  const api = `${context.apiUrl}/repos/${comment.repo}`;
  const issue = context.model.issue(comment.repo, comment.issueNumber);
  const page = issue?.pull ? "pull" : "issues";
  return {
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${context.htmlUrl}/${comment.repo}/${page}/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: nodeId("IC", comment.id),
    user: simpleUserBody(context, context.model.user(comment.user)),
    created_at: githubTime(comment.createdAt),
    updated_at: githubTime(comment.updatedAt),
    author_association: "OWNER",
    body: comment.body,
    reactions: {
      url: `${api}/issues/comments/${comment.id}/reactions`,
      total_count: 0,
      "+1": 0,
      "-1": 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    performed_via_github_app: null,
  };
}
