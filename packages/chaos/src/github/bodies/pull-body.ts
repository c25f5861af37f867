import { githubTime } from "../model/github-time.js";
import type { IssueRecord, PullRecord } from "../model/model-records.js";
import { type BodyContext, nodeId } from "./body-context.js";
import { labelBody } from "./label-body.js";
import { repositoryBody } from "./repository-body.js";
import { simpleUserBody } from "./user-body.js";

/** GitHub's `pull-request-simple`, as `GET /repos/{o}/{r}/pulls` lists them. */
export function pullSimpleBody(context: BodyContext, pull: PullRecord, issue: IssueRecord) {
  const api = `${context.apiUrl}/repos/${pull.repo}`;
  const html = `${context.htmlUrl}/${pull.repo}/pull/${pull.number}`;
  const repo = context.model.repo(pull.repo);
  if (!repo) throw new TypeError(`No repository ${pull.repo} for pull #${pull.number}.`);
  const repoBody = repositoryBody(context, repo);
  const headUser = simpleUserBody(context, context.model.user(pull.headOwner));
  const baseUser = simpleUserBody(context, context.model.user(repo.owner));
  const link = (href: string) => ({ href });
  return {
    url: `${api}/pulls/${pull.number}`,
    id: pull.id,
    node_id: nodeId("PR", pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    number: pull.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: simpleUserBody(context, context.model.user(issue.user)),
    body: issue.body,
    created_at: githubTime(issue.createdAt),
    updated_at: githubTime(issue.updatedAt),
    closed_at: issue.closedAt === null ? null : githubTime(issue.closedAt),
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: issue.labels
      .map((name) => context.model.findLabel(pull.repo, name))
      .filter((label) => label !== undefined)
      .map((label) => labelBody(context, pull.repo, label)),
    milestone: null,
    draft: pull.draft,
    commits_url: `${api}/pulls/${pull.number}/commits`,
    review_comments_url: `${api}/pulls/${pull.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${pull.headSha}`,
    head: {
      label: `${pull.headOwner}:${pull.headRef}`,
      ref: pull.headRef,
      sha: pull.headSha,
      user: headUser,
      repo: repoBody,
    },
    base: {
      label: `${repo.owner}:${pull.baseRef}`,
      ref: pull.baseRef,
      sha: pull.baseSha,
      user: baseUser,
      repo: repoBody,
    },
    _links: {
      self: link(`${api}/pulls/${pull.number}`),
      html: link(html),
      issue: link(`${api}/issues/${pull.number}`),
      comments: link(`${api}/issues/${pull.number}/comments`),
      review_comments: link(`${api}/pulls/${pull.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${pull.number}/commits`),
      statuses: link(`${api}/statuses/${pull.headSha}`),
    },
    author_association: "OWNER",
    auto_merge: null,
    active_lock_reason: null,
  };
}

/** GitHub's `pull-request`, as create, get and update return it. */
export function pullBody(context: BodyContext, pull: PullRecord, issue: IssueRecord) {
  return {
    ...pullSimpleBody(context, pull, issue),
    merged: pull.merged,
    // GitHub computes mergeability in the background; a fresh read says "unknown".
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: null,
    comments: issue.comments,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: pull.commits,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}
