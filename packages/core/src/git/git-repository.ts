import { type BranchNameOptions, branchNameFor } from "./branch-name-for.js";
import { type CommitResult, commitAll } from "./commit-all.js";
import { type BranchResult, createBranch } from "./create-branch.js";
import { type GitRepositoryOptions, parseGitRepositoryOptions } from "./git-repository-options.js";
import { GitSession } from "./git-session.js";
import { headSha } from "./head-sha.js";
import type { PreflightFinding } from "./preflight-finding.js";
import { type PushOptions, type PushResult, pushBranch } from "./push-branch.js";
import { remoteBranchSha } from "./remote-branch-sha.js";
import { repositoryKey, withRepositoryLock } from "./repository-mutex.js";
import { PREFLIGHT_CHECKS, runChecks } from "./run-checks.js";
import { validBranch } from "./valid-branch.js";

export interface PreflightOptions {
  signal?: AbortSignal;
  /** Leave out the remote checks (configured, reachable). Default false. */
  offline?: boolean;
}

/**
 * One repository, driven through the real git binary. Every method runs
 * alone: one git operation at a time per repository, across every instance
 * in this process. Errors are WorkflowMasterErrors from the catalogue (code,
 * guidance, the exact next command); bad arguments are TypeErrors.
 */
export interface GitRepository {
  readonly dir: string;
  /** Every preflight check's finding, in order (see PreflightCheck). Never throws for what it finds. */
  preflight(options?: PreflightOptions): Promise<PreflightFinding[]>;
  /** A valid branch name for a run's title (see branchNameFor), checked with this repository's git. */
  branchNameFor(
    title: string,
    options: Omit<BranchNameOptions, "spawner" | "cwd">,
  ): Promise<string>;
  /** Creates the branch at `startPoint` (default HEAD) and switches to it. */
  createBranch(
    name: string,
    options?: { startPoint?: string; signal?: AbortSignal },
  ): Promise<BranchResult>;
  /** Stages everything but `.workflowmaster/` and commits it; refuses an empty diff. */
  commitAll(message: string, options?: { signal?: AbortSignal }): Promise<CommitResult>;
  /** Pushes HEAD to the branch on the remote, with retries, reconcile and rebase (see pushBranch). */
  push(branch: string, options?: PushOptions): Promise<PushResult>;
  /** The commit HEAD points to. */
  headSha(): Promise<string>;
  /** The checked-out branch, or undefined on a detached HEAD. */
  currentBranch(): Promise<string | undefined>;
  /** Where the branch is on the remote (`git ls-remote`), or undefined when the remote has no such branch. */
  remoteBranchSha(branch: string, options?: { signal?: AbortSignal }): Promise<string | undefined>;
}

/**
 * A GitRepository over `dir`: one simple-git instance (one process at a
 * time), `LC_ALL=C` so errors classify, the identity in each command's
 * environment and never in config. Options are validated here; a bad field
 * is named in the TypeError.
 */
export function createGitRepository(options: GitRepositoryOptions): GitRepository {
  const parsed = parseGitRepositoryOptions(options);
  const session = new GitSession(parsed);
  let key: Promise<string> | undefined;
  const exclusive = async <T>(task: () => Promise<T>): Promise<T> => {
    key ??= repositoryKey(session.dir);
    return withRepositoryLock(await key, task);
  };
  return {
    dir: session.dir,
    preflight: (preflightOptions = {}) =>
      exclusive(() =>
        runChecks(
          session,
          preflightOptions.offline === true
            ? PREFLIGHT_CHECKS.filter((check) => check.remote !== true)
            : PREFLIGHT_CHECKS,
          { signal: preflightOptions.signal, stopAtFirstRefusal: false },
        ),
      ),
    branchNameFor: (title, nameOptions) =>
      branchNameFor(title, { ...nameOptions, spawner: session.spawner }),
    createBranch: (name, branchOptions = {}) =>
      exclusive(() => createBranch(session, name, branchOptions.startPoint, branchOptions.signal)),
    commitAll: (message, commitOptions = {}) =>
      exclusive(() => commitAll(session, message, commitOptions.signal)),
    push: (branch, pushOptions = {}) => exclusive(() => pushBranch(session, branch, pushOptions)),
    headSha: () => exclusive(() => headSha(session)),
    currentBranch: () =>
      exclusive(async () => {
        const symbolic = await session.tryRaw(["symbolic-ref", "--short", "HEAD"]);
        return symbolic.ok ? symbolic.stdout.trim() : undefined;
      }),
    remoteBranchSha: (branch, lookupOptions = {}) =>
      exclusive(async () =>
        remoteBranchSha(
          session,
          await validBranch(session, branch, "remoteBranchSha"),
          lookupOptions.signal,
        ),
      ),
  };
}
