import { join } from "node:path";
import { ErrorKind } from "../errors/error-kind.js";
import type { WorkflowMasterError } from "../errors/workflow-master-error.js";
import { FaultPoint } from "../ports/fault-points.js";
import { type RetryInfo, type RetryOptions, retry } from "../retry/retry-policy.js";
import { listFiles, nulSeparated } from "./checks/check.js";
import { trackedChanges } from "./checks/clean-tree.js";
import type { GitSession, TimedResult } from "./git-session.js";
import { headSha } from "./head-sha.js";
import { statOptional } from "./read-optional.js";
import { remoteBranchSha } from "./remote-branch-sha.js";
import { guard, PUSH_GUARDS } from "./run-checks.js";
import { validBranch } from "./valid-branch.js";

export interface PushOptions {
  signal?: AbortSignal;
  /** Called before each retry wait (the engine emits `phase.retrying` here). */
  onRetry?: (info: RetryInfo) => void | Promise<void>;
}

export interface PushResult {
  readonly branch: string;
  readonly remote: string;
  /** The commit the remote branch now holds: HEAD, rebased when the remote had moved on. */
  readonly sha: string;
  /** "already-on-remote": the remote held this commit before anything was sent (a push that landed before a crash). */
  readonly outcome: "pushed" | "already-on-remote";
  /** `git push` commands sent. */
  readonly attempts: number;
  /** Times the branch was rebased onto the remote's after a non-fast-forward rejection. */
  readonly rebases: number;
  /** True when a push that failed indeterminately was found on the remote by ls-remote, and not sent again. */
  readonly reconciled: boolean;
  readonly repairs: readonly string[];
}

/**
 * Pushes HEAD to `refs/heads/<branch>` on the remote with an explicit
 * refspec (never a bare `git push`, never `--force`).
 *
 * - Before sending: the remote is asked (`ls-remote`); already at HEAD means
 *   done. A push that landed before a crash is never sent twice.
 * - Transient failures (network, server) are retried through `retry()` on
 *   the injected clock, within the retry budget. After any indeterminate
 *   failure the remote is asked again before a retry: if it holds our
 *   commit, the push is done (`reconciled`).
 * - Non-fast-forward (the remote moved on): fetch the remote branch, rebase
 *   onto it, push again, at most `maxRebases` times. A conflict aborts the
 *   rebase (`git rebase --abort`: tree and commit exactly as before) and
 *   refuses with WFM-GIT-PUSH-CONFLICT, the files listed; the run pauses.
 */
export async function pushBranch(
  session: GitSession,
  name: unknown,
  options: PushOptions = {},
): Promise<PushResult> {
  const branch = await validBranch(session, name, "push");
  const { signal } = options;
  const remote = session.options.remote;
  const context = { branch };
  const repairs = await guard(session, PUSH_GUARDS, { signal, expectedBranch: branch });
  const retryOptions: RetryOptions = {
    clock: session.options.clock,
    random: session.random,
    classify: (error) => session.classify(error, context),
    ...(session.options.retry === undefined ? {} : { policy: session.options.retry }),
    ...(session.options.retryBudget === undefined
      ? {}
      : { budget: session.options.retryBudget, target: `git-remote:${remote}` }),
    ...(signal === undefined ? {} : { signal }),
    ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
    context: { ...session.baseContext(), ...context },
  };

  let sha = await headSha(session);
  const before = await retry(
    ({ signal: attemptSignal }) => remoteBranchSha(session, branch, attemptSignal),
    retryOptions,
  );
  if (before === sha) {
    await session.faultPoints.hit(FaultPoint.GitPushCompleted, session.faultContext());
    return {
      branch,
      remote,
      sha,
      outcome: "already-on-remote",
      attempts: 0,
      rebases: 0,
      reconciled: false,
      repairs,
    };
  }

  let attempts = 0;
  let rebases = 0;
  let reconciled = false;
  for (;;) {
    try {
      await retry(async ({ signal: attemptSignal }) => {
        attempts += 1;
        const result = await session.timed(["push", "--", remote, `HEAD:refs/heads/${branch}`], {
          timeoutMs: session.options.networkTimeoutMs,
          signal: attemptSignal,
        });
        if (result.exitCode === 0) return;
        if (attemptSignal.aborted) throw attemptSignal.reason;
        const failure = pushFailure(session, result, branch);
        if (isIndeterminate(failure) && (await landed(session, branch, sha, attemptSignal))) {
          reconciled = true;
          return;
        }
        throw failure;
      }, retryOptions);
      break;
    } catch (error) {
      const failure = session.classify(error, context);
      if (failure.code !== "WFM-GIT-NON-FAST-FORWARD" || rebases >= session.options.maxRebases)
        throw failure;
      rebases += 1;
      sha = await fetchAndRebase(session, branch, retryOptions);
    }
  }
  await session.faultPoints.hit(FaultPoint.GitPushCompleted, session.faultContext());
  return { branch, remote, sha, outcome: "pushed", attempts, rebases, reconciled, repairs };
}

function pushFailure(
  session: GitSession,
  result: TimedResult,
  branch: string,
): WorkflowMasterError {
  if (!result.timedOut) return session.classifyResult(result, { branch });
  const detail = `git push did not finish within ${session.options.networkTimeoutMs / 1000} s`;
  return session.error("WFM-NET-TIMEOUT", {
    message: `Pushing ${branch} to ${session.options.remote} timed out: ${detail}.`,
    context: { branch, detail },
  });
}

/** A failure after which the remote may hold the push anyway: the connection broke, not a refusal. */
function isIndeterminate(failure: WorkflowMasterError): boolean {
  return (
    failure.code !== "WFM-GIT-NON-FAST-FORWARD" &&
    (failure.kind === ErrorKind.Transient || failure.kind === ErrorKind.Partial)
  );
}

/** Whether the remote branch is at `sha`, when the remote can be asked; when it cannot, the failure stands. */
async function landed(
  session: GitSession,
  branch: string,
  sha: string,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    return (await remoteBranchSha(session, branch, signal)) === sha;
  } catch {
    if (signal.aborted) throw signal.reason;
    // Still unreachable, so unknown: the push's own failure stands and is what gets retried.
    return false;
  }
}

/**
 * Brings in what the remote branch gained and replays this branch's
 * commits on top; returns the new HEAD. Only committed work is rebased: a
 * tree with uncommitted changes is refused rather than put at risk, and a
 * conflict is aborted, leaving HEAD, index and tree exactly as they were.
 */
async function fetchAndRebase(
  session: GitSession,
  branch: string,
  retryOptions: RetryOptions,
): Promise<string> {
  const remote = session.options.remote;
  const tracking = `refs/remotes/${remote}/${branch}`;
  await retry(async ({ signal }) => {
    const result = await session.timed(
      ["fetch", "--no-tags", "--quiet", "--", remote, `+refs/heads/${branch}:${tracking}`],
      {
        timeoutMs: session.options.networkTimeoutMs,
        signal,
      },
    );
    if (result.exitCode === 0) return;
    if (signal.aborted) throw signal.reason;
    throw result.timedOut
      ? session.error("WFM-NET-TIMEOUT", {
          message: `Fetching ${branch} from ${remote} timed out.`,
          context: {
            branch,
            detail: `git fetch did not finish within ${session.options.networkTimeoutMs / 1000} s`,
          },
        })
      : session.classifyResult(result, { branch });
  }, retryOptions);

  const dirty = await trackedChanges(session);
  if (dirty.length > 0) {
    throw session.error("WFM-GIT-DIRTY-TREE", {
      message: `The remote moved on, but ${session.dir} has uncommitted changes (${listFiles(dirty)}), so its commits were not rebased.`,
      context: { files: listFiles(dirty) },
    });
  }
  const before = await headSha(session);
  const rebase = await session.tryRaw(["rebase", "--no-autostash", tracking]);
  if (rebase.ok) return headSha(session);

  const unmerged = await session.tryRaw(["diff", "--name-only", "--diff-filter=U", "-z"]);
  const files = unmerged.ok ? nulSeparated(unmerged.stdout) : [];
  if (await rebaseInProgress(session)) await session.raw(["rebase", "--abort"]);
  const after = await headSha(session);
  if (after !== before) {
    throw session.error("WFM-GIT-FAILED", {
      message: `git rebase --abort left HEAD at ${after}, not at ${before}; nothing was pushed.`,
      context: {
        detail: `after the rebase was aborted HEAD is at ${after}; it was at ${before} (see git reflog)`,
      },
      cause: rebase.error,
    });
  }
  if (files.length > 0) {
    throw session.error("WFM-GIT-PUSH-CONFLICT", {
      message: `${branch} on ${remote} has changes that conflict with this branch in ${listFiles(files)}; the rebase was aborted and nothing was pushed.`,
      context: { branch, files: listFiles(files), sha: before },
      cause: rebase.error,
    });
  }
  throw session.classify(rebase.error, { branch });
}

async function rebaseInProgress(session: GitSession): Promise<boolean> {
  const { gitDir } = await session.layout();
  for (const marker of ["rebase-merge", "rebase-apply"]) {
    if ((await statOptional(session.fs, join(gitDir, marker))) !== undefined) return true;
  }
  return false;
}
