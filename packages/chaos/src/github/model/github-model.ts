import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../clock/clock.js";
import { createBareRepoGitStore } from "./bare-repo-git-store.js";
import type { GitStore } from "./git-store.js";
import { addMemoryCommit, createMemoryGitStore } from "./memory-git-store.js";
import type {
  CommentRecord,
  GithubModelSnapshot,
  IssueRecord,
  LabelRecord,
  PullRecord,
  RepoRecord,
  UserRecord,
} from "./model-records.js";
import {
  createRateLimitBuckets,
  DEFAULT_RATE_LIMITS,
  type RateLimitBuckets,
  type RateLimits,
} from "./rate-limit-buckets.js";

export interface GithubModelOptions {
  /** Creation and update times, rate-limit windows and visibility lags read this clock. */
  clock: Pick<Clock, "now">;
  /** The login every accepted token belongs to (default `octocat`). */
  login?: string;
  rateLimits?: Partial<RateLimits>;
  /** A model written out with `toJSON()`, to continue from. */
  snapshot?: GithubModelSnapshot;
}

export interface AddRepoOptions {
  /** Back this repository's refs with a real bare repository. */
  gitDir?: string;
  /** Default `main`. */
  defaultBranch?: string;
  /** Default false. */
  private?: boolean;
}

export interface CreateIssueInput {
  title: string;
  body?: string | null;
  labels?: readonly string[];
  /** Author login (default: the token's login). */
  user?: string;
}

export interface CreatePullInput {
  title: string;
  body?: string | null;
  headOwner: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  draft?: boolean;
  maintainerCanModify?: boolean;
  commits: number;
  user?: string;
}

/**
 * The stateful GitHub behind the handlers: users, repositories, issues and
 * pulls (one number sequence per repository), labels, comments, refs,
 * rate-limit buckets. Everything but git-backed refs is one JSON value
 * (`toJSON()`), so a model can be saved and restored.
 */
export interface GithubModel {
  /** The token's login. */
  readonly login: string;
  readonly rateLimits: RateLimitBuckets;
  /** A user record, created on first use (`User` for the login, `Organization` otherwise). */
  user(login: string): UserRecord;
  /** Adds `OWNER/NAME`; an in-memory repository starts with one commit on its default branch. */
  addRepo(fullName: string, options?: AddRepoOptions): RepoRecord;
  repo(fullName: string): RepoRecord | undefined;
  repoNames(): string[];
  /** The refs and commits of a repository. */
  git(fullName: string): GitStore;
  labels(fullName: string): LabelRecord[];
  /** Case-insensitive, as GitHub matches label names. */
  findLabel(fullName: string, name: string): LabelRecord | undefined;
  createLabel(
    fullName: string,
    input: { name: string; color?: string; description?: string | null },
  ): LabelRecord;
  /** Issues and pull requests of a repository, by number. */
  issues(fullName: string): IssueRecord[];
  issue(fullName: string, number: number): IssueRecord | undefined;
  /** Creates the issue; labels that do not exist yet are created, as GitHub does. */
  createIssue(fullName: string, input: CreateIssueInput): IssueRecord;
  comments(fullName: string, issueNumber: number): CommentRecord[];
  createComment(fullName: string, issueNumber: number, body: string, user?: string): CommentRecord;
  pulls(fullName: string): PullRecord[];
  pull(fullName: string, number: number): PullRecord | undefined;
  createPull(fullName: string, input: CreatePullInput): { issue: IssueRecord; pull: PullRecord };
  /** Keeps a just-created ref out of reads until `visibleAt` (eventual consistency). */
  hideRef(fullName: string, ref: string, visibleAt: number): void;
  isRefVisible(fullName: string, ref: string): boolean;
  revokeToken(token: string): void;
  isRevoked(token: string): boolean;
  /** The rate-limit and content-creation key of a token: a fingerprint, never the token. */
  who(token: string | undefined): string;
  /** Epoch ms of this caller's content-creating requests in the last hour (mutable). */
  contentCreations(who: string): number[];
  /** A fresh id for any record (ids are unique across kinds, as on GitHub). */
  nextId(): number;
  /** The whole model as JSON (git-backed refs stay in git). */
  toJSON(): GithubModelSnapshot;
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** GitHub's default labels for a new repository. */
const DEFAULT_LABELS: readonly { name: string; color: string; description: string }[] = [
  { name: "bug", color: "d73a4a", description: "Something isn't working" },
  {
    name: "documentation",
    color: "0075ca",
    description: "Improvements or additions to documentation",
  },
  { name: "duplicate", color: "cfd3d7", description: "This issue or pull request already exists" },
  { name: "enhancement", color: "a2eeef", description: "New feature or request" },
  { name: "good first issue", color: "7057ff", description: "Good for newcomers" },
  { name: "help wanted", color: "008672", description: "Extra attention is needed" },
  { name: "invalid", color: "e4e669", description: "This doesn't seem right" },
  { name: "question", color: "d876e3", description: "Further information is requested" },
  { name: "wontfix", color: "ffffff", description: "This will not be worked on" },
];

/** The array stored under `key`, created empty on first use. */
function listOf<T>(record: Record<string, T[]>, key: string): T[] {
  let list = record[key];
  if (list === undefined) {
    list = [];
    record[key] = list;
  }
  return list;
}

/** Splits `OWNER/NAME`, or throws a TypeError naming the bad value. */
export function parseFullName(fullName: string): { owner: string; name: string } {
  const [owner = "", name = "", ...rest] = String(fullName).split("/");
  if (rest.length > 0 || !LOGIN.test(owner) || !REPO_NAME.test(name)) {
    throw new TypeError(
      `Invalid repository ${JSON.stringify(fullName)}: expected OWNER/NAME, such as octocat/hello-world.`,
    );
  }
  return { owner, name };
}

export function createGithubModel(options: GithubModelOptions): GithubModel {
  const { clock } = options;
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const login = options.snapshot?.login ?? options.login ?? "octocat";
  if (!LOGIN.test(login)) {
    throw new TypeError(
      `Invalid login ${JSON.stringify(login)}: expected a GitHub login such as octocat.`,
    );
  }
  const state: GithubModelSnapshot = options.snapshot
    ? structuredClone(options.snapshot)
    : {
        version: 1,
        login,
        nextId: 1000,
        users: [],
        repos: [],
        labels: {},
        issues: [],
        comments: [],
        pulls: [],
        refs: {},
        commits: {},
        hiddenRefs: [],
        revokedTokens: [],
        rateLimits: {},
        contentCreations: {},
      };
  const rateLimits = createRateLimitBuckets(state.rateLimits, clock, limits);
  const gitStores = new Map<string, GitStore>();
  const nextId = () => {
    state.nextId += 1;
    return state.nextId;
  };
  const key = (fullName: string) => fullName.toLowerCase();
  const requireRepo = (fullName: string): RepoRecord => {
    const found = state.repos.find((repo) => key(`${repo.owner}/${repo.name}`) === key(fullName));
    if (!found) throw new TypeError(`No repository ${fullName} in the simulator. Add it first.`);
    return found;
  };
  const canonical = (fullName: string) => {
    const repo = requireRepo(fullName);
    return `${repo.owner}/${repo.name}`;
  };
  const fingerprint = (token: string) =>
    `token:${createHash("sha256").update(token).digest("hex").slice(0, 16)}`;

  const model: GithubModel = {
    login,
    rateLimits,
    user(name) {
      const existing = state.users.find((user) => user.login.toLowerCase() === name.toLowerCase());
      if (existing) return existing;
      const created: UserRecord = {
        id: nextId(),
        login: name,
        type: name.toLowerCase() === login.toLowerCase() ? "User" : "Organization",
        createdAt: clock.now(),
      };
      state.users.push(created);
      return created;
    },
    addRepo(fullName, repoOptions = {}) {
      const { owner, name } = parseFullName(fullName);
      if (state.repos.some((repo) => key(`${repo.owner}/${repo.name}`) === key(fullName))) {
        throw new TypeError(`The repository ${fullName} already exists in the simulator.`);
      }
      if (
        repoOptions.gitDir !== undefined &&
        !(
          existsSync(join(repoOptions.gitDir, "HEAD")) &&
          existsSync(join(repoOptions.gitDir, "objects"))
        )
      ) {
        throw new TypeError(
          `Invalid gitDir ${JSON.stringify(repoOptions.gitDir)}: not a bare git repository. Create one with \`git init --bare -b main DIR\`.`,
        );
      }
      model.user(owner);
      const defaultBranch = repoOptions.defaultBranch ?? "main";
      const repo: RepoRecord = {
        id: nextId(),
        owner,
        name,
        defaultBranch,
        private: repoOptions.private ?? false,
        createdAt: clock.now(),
        ...(repoOptions.gitDir === undefined ? {} : { gitDir: repoOptions.gitDir }),
        nextNumber: 1,
      };
      state.repos.push(repo);
      state.labels[fullName] = DEFAULT_LABELS.map((label) => ({
        id: nextId(),
        name: label.name,
        color: label.color,
        description: label.description,
        isDefault: true,
      }));
      if (repo.gitDir === undefined) {
        const commits: GithubModelSnapshot["commits"][string] = [];
        state.commits[fullName] = commits;
        const sha = addMemoryCommit(fullName, commits, [], "Initial commit");
        state.refs[fullName] = [{ ref: `refs/heads/${defaultBranch}`, sha }];
      }
      return repo;
    },
    repo: (fullName) =>
      state.repos.find((repo) => key(`${repo.owner}/${repo.name}`) === key(fullName)),
    repoNames: () => state.repos.map((repo) => `${repo.owner}/${repo.name}`),
    git(fullName) {
      const repo = requireRepo(fullName);
      const name = `${repo.owner}/${repo.name}`;
      let store = gitStores.get(name);
      if (!store) {
        store =
          repo.gitDir === undefined
            ? createMemoryGitStore(name, listOf(state.refs, name), listOf(state.commits, name))
            : createBareRepoGitStore(repo.gitDir);
        gitStores.set(name, store);
      }
      return store;
    },
    labels: (fullName) => state.labels[canonical(fullName)] ?? [],
    findLabel: (fullName, name) =>
      model.labels(fullName).find((label) => label.name.toLowerCase() === name.toLowerCase()),
    createLabel(fullName, input) {
      const name = canonical(fullName);
      const label: LabelRecord = {
        id: nextId(),
        name: input.name,
        color: (input.color ?? "ededed").replace(/^#/, "").toLowerCase(),
        description: input.description ?? null,
        isDefault: false,
      };
      listOf(state.labels, name).push(label);
      return label;
    },
    issues: (fullName) => {
      const name = canonical(fullName);
      return state.issues.filter((issue) => issue.repo === name);
    },
    issue: (fullName, number) => {
      const name = canonical(fullName);
      return state.issues.find((issue) => issue.repo === name && issue.number === number);
    },
    createIssue(fullName, input) {
      const repo = requireRepo(fullName);
      return addIssue(repo, input, false);
    },
    comments: (fullName, issueNumber) => {
      const name = canonical(fullName);
      return state.comments.filter(
        (comment) => comment.repo === name && comment.issueNumber === issueNumber,
      );
    },
    createComment(fullName, issueNumber, body, user) {
      const name = canonical(fullName);
      const issue = model.issue(name, issueNumber);
      if (!issue) throw new TypeError(`No issue #${issueNumber} in ${name}.`);
      const now = clock.now();
      const comment: CommentRecord = {
        id: nextId(),
        repo: name,
        issueNumber,
        body,
        user: user ?? login,
        createdAt: now,
        updatedAt: now,
      };
      state.comments.push(comment);
      issue.comments += 1;
      issue.updatedAt = now;
      return comment;
    },
    pulls: (fullName) => {
      const name = canonical(fullName);
      return state.pulls.filter((pull) => pull.repo === name);
    },
    pull: (fullName, number) => {
      const name = canonical(fullName);
      return state.pulls.find((pull) => pull.repo === name && pull.number === number);
    },
    createPull(fullName, input) {
      const repo = requireRepo(fullName);
      const issue = addIssue(
        repo,
        { title: input.title, body: input.body ?? null, user: input.user },
        true,
      );
      const pull: PullRecord = {
        id: nextId(),
        repo: issue.repo,
        number: issue.number,
        headOwner: input.headOwner,
        headRef: input.headRef,
        headSha: input.headSha,
        baseRef: input.baseRef,
        baseSha: input.baseSha,
        draft: input.draft ?? false,
        maintainerCanModify: input.maintainerCanModify ?? true,
        merged: false,
        commits: input.commits,
      };
      state.pulls.push(pull);
      return { issue, pull };
    },
    hideRef(fullName, ref, visibleAt) {
      state.hiddenRefs.push({ repo: canonical(fullName), ref, visibleAt });
    },
    isRefVisible(fullName, ref) {
      const name = canonical(fullName);
      const now = clock.now();
      return !state.hiddenRefs.some(
        (hidden) => hidden.repo === name && hidden.ref === ref && now < hidden.visibleAt,
      );
    },
    revokeToken(token) {
      const print = fingerprint(token);
      if (!state.revokedTokens.includes(print)) state.revokedTokens.push(print);
    },
    isRevoked: (token) => state.revokedTokens.includes(fingerprint(token)),
    who: (token) => (token === undefined ? "anonymous" : fingerprint(token)),
    contentCreations: (who) => listOf(state.contentCreations, who),
    nextId,
    toJSON: () => structuredClone(state),
  };

  const addIssue = (repo: RepoRecord, input: CreateIssueInput, pull: boolean): IssueRecord => {
    const fullName = `${repo.owner}/${repo.name}`;
    const labels: string[] = [];
    for (const name of input.labels ?? []) {
      const label = model.findLabel(fullName, name) ?? model.createLabel(fullName, { name });
      if (!labels.includes(label.name)) labels.push(label.name);
    }
    const now = clock.now();
    const issue: IssueRecord = {
      id: nextId(),
      repo: fullName,
      number: repo.nextNumber,
      title: input.title,
      body: input.body ?? null,
      state: "open",
      stateReason: null,
      labels,
      user: input.user ?? login,
      locked: false,
      comments: 0,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      pull,
    };
    repo.nextNumber += 1;
    state.issues.push(issue);
    return issue;
  };

  return model;
}
