import { githubTime } from "../model/github-time.js";
import type { IssueRecord } from "../model/model-records.js";
import { type BodyContext, nodeId } from "./body-context.js";
import { labelBody } from "./label-body.js";
import { simpleUserBody } from "./user-body.js";

/**
 * GitHub's `issue`. A pull request's number is an issue too: its issue body
 * carries `pull_request`, which is how clients tell the two apart in
 * `GET /repos/{o}/{r}/issues`.
 */
export function issueBody(context: BodyContext, issue: IssueRecord) {
  const api = `${context.apiUrl}/repos/${issue.repo}`;
  const html = `${context.htmlUrl}/${issue.repo}`;
  const labels = issue.labels
    .map((name) => context.model.findLabel(issue.repo, name))
    .filter((label) => label !== undefined)
    .map((label) => labelBody(context, issue.repo, label));
  const pull = issue.pull ? context.model.pull(issue.repo, issue.number) : undefined;
  return {
    url: `${api}/issues/${issue.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${issue.number}/labels{/name}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    events_url: `${api}/issues/${issue.number}/events`,
    html_url: `${html}/${issue.pull ? "pull" : "issues"}/${issue.number}`,
    id: issue.id,
    node_id: nodeId(issue.pull ? "PR" : "I", issue.id),
    number: issue.number,
    title: issue.title,
    user: simpleUserBody(context, context.model.user(issue.user)),
    labels,
    state: issue.state,
    locked: issue.locked,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: issue.comments,
    created_at: githubTime(issue.createdAt),
    updated_at: githubTime(issue.updatedAt),
    closed_at: issue.closedAt === null ? null : githubTime(issue.closedAt),
    author_association: "OWNER",
    active_lock_reason: null,
    ...(issue.pull
      ? {
          draft: pull?.draft ?? false,
          pull_request: {
            url: `${api}/pulls/${issue.number}`,
            html_url: `${html}/pull/${issue.number}`,
            diff_url: `${html}/pull/${issue.number}.diff`,
            patch_url: `${html}/pull/${issue.number}.patch`,
            merged_at: null,
          },
        }
      : {}),
    body: issue.body,
    closed_by: null,
    reactions: {
      url: `${api}/issues/${issue.number}/reactions`,
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
    timeline_url: `${api}/issues/${issue.number}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.stateReason,
  };
}
