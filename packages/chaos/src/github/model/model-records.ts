/**
 * The simulator's state as plain JSON data, so a model can be written out,
 * compared between runs and restored (`GithubModel.toJSON`, `restore`).
 * Times are epoch milliseconds on the injected clock.
 */

export interface UserRecord {
  readonly id: number;
  readonly login: string;
  /** `User` for the token's login, `Organization` for any other repository owner. */
  readonly type: "User" | "Organization";
  readonly createdAt: number;
}

export interface RepoRecord {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  readonly private: boolean;
  readonly createdAt: number;
  /** The bare repository backing this repository's refs, when there is one. */
  readonly gitDir?: string;
  /** Next issue/pull number: issues and pulls share one sequence, as on GitHub. */
  nextNumber: number;
}

export interface LabelRecord {
  readonly id: number;
  name: string;
  color: string;
  description: string | null;
  readonly isDefault: boolean;
}

export interface IssueRecord {
  readonly id: number;
  readonly repo: string;
  readonly number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | "duplicate" | null;
  /** Label names, in the order given. */
  labels: string[];
  readonly user: string;
  locked: boolean;
  comments: number;
  readonly createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  /** Set when this number belongs to a pull request. */
  readonly pull: boolean;
}

export interface CommentRecord {
  readonly id: number;
  readonly repo: string;
  readonly issueNumber: number;
  body: string;
  readonly user: string;
  readonly createdAt: number;
  updatedAt: number;
}

export interface PullRecord {
  readonly id: number;
  readonly repo: string;
  /** The issue record with the same number holds title, body, state and labels. */
  readonly number: number;
  /** Head branch name (without `refs/heads/`) and the owner it lives under. */
  readonly headOwner: string;
  readonly headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  maintainerCanModify: boolean;
  merged: boolean;
  commits: number;
}

/** A ref of an in-memory repository; git-backed repositories keep refs in git. */
export interface RefRecord {
  /** Full name: `refs/heads/main`. */
  readonly ref: string;
  readonly sha: string;
}

/** A commit of an in-memory repository. */
export interface CommitRecord {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly message: string;
}

/** Refs created under an eventual-consistency fault stay invisible until `visibleAt`. */
export interface HiddenRef {
  readonly repo: string;
  readonly ref: string;
  readonly visibleAt: number;
}

export interface RateLimitRecord {
  readonly limit: number;
  used: number;
  /** Epoch seconds when the window resets, or 0 before the first counted request. */
  reset: number;
  /** The status a request gets while this bucket is empty (GitHub sends 403 or 429). */
  exhaustedStatus: 403 | 429;
}

/** The whole model, as JSON. */
export interface GithubModelSnapshot {
  readonly version: 1;
  login: string;
  nextId: number;
  users: UserRecord[];
  repos: RepoRecord[];
  labels: Record<string, LabelRecord[]>;
  issues: IssueRecord[];
  comments: CommentRecord[];
  pulls: PullRecord[];
  refs: Record<string, RefRecord[]>;
  commits: Record<string, CommitRecord[]>;
  hiddenRefs: HiddenRef[];
  revokedTokens: string[];
  /** Keyed by `${who}\u0000${resource}`; `who` is a token fingerprint, or `anonymous`. */
  rateLimits: Record<string, RateLimitRecord>;
  /** Epoch ms of recent content-creating requests, per token fingerprint (the last hour). */
  contentCreations: Record<string, number[]>;
}
