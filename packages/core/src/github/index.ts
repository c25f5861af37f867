// core/github: an idempotent, rate-limit-aware GitHub adapter on Octokit.

export { callGithub, type GithubCallOptions } from "./github-call.js";
export {
  type CreateGithubClientOptions,
  createGithubClient,
  type EmitEvent,
  GITHUB_CLIENT_DEFAULTS,
  GITHUB_TARGET,
  GITHUB_THROTTLE,
  type GithubClient,
  type GithubOctokit,
  type GithubRuntime,
} from "./github-client.js";
export { type GithubLogLevel, type GithubLogSink, quietGithubLog } from "./github-log.js";
export { hasMarker, type MarkerFields, markerFor, withMarker } from "./marker.js";
export {
  type Closed,
  type CloseInput,
  closeIssue,
  observeIssueClosed,
} from "./operations/close-issue.js";
export { closePullRequest, observePullRequestClosed } from "./operations/close-pull-request.js";
export {
  type CommentInput,
  type CommentRef,
  comment,
  observeComment,
} from "./operations/comment.js";
export {
  type EnsureIssueInput,
  ensureIssue,
  type FindIssueInput,
  findIssueByMarker,
  type IssueRef,
  observeIssue,
} from "./operations/ensure-issue.js";
export {
  type EnsureLabelInput,
  ensureLabel,
  type LabelRef,
  observeLabel,
} from "./operations/ensure-label.js";
export { type EnsureOnceSteps, ensureOnce } from "./operations/ensure-once.js";
export {
  type EnsurePullRequestInput,
  ensurePullRequest,
  type FindPullRequestInput,
  findPullRequest,
  type ObservePullRequestInput,
  observePullRequest,
  type PullRequestRef,
} from "./operations/ensure-pull-request.js";
export { createTokenRedactor } from "./redact-token.js";
export { parseRepoRef, type RepoRef, repoSlug } from "./repo-ref.js";
export { GithubRequestTimeoutError, timedFetch } from "./timed-fetch.js";
export {
  type ResolvedToken,
  type ResolveGithubTokenOptions,
  resolveGithubToken,
  TokenSource,
} from "./token.js";
