import { FaultPoint } from "../ports/fault-points.js";
import { ensureGitExclude } from "../state/ensure-git-exclude.js";
import { nulSeparated } from "./checks/check.js";
import type { GitSession } from "./git-session.js";
import { headSha } from "./head-sha.js";
import { COMMIT_GUARDS, guard } from "./run-checks.js";

export interface CommitResult {
  readonly sha: string;
  readonly branch: string;
  /** The paths the commit changed. */
  readonly files: readonly string[];
  /** What was repaired before committing (e.g. a stale index.lock removed). */
  readonly repairs: readonly string[];
}

/** Everything under the repository except run state, wherever a `.workflowmaster` directory is. */
const ALL_BUT_RUN_STATE = [":/", ":(exclude,top,glob)**/.workflowmaster/**"];

/**
 * Stages every change (new, modified, deleted files) except run state and
 * commits it with `message`, as the configured identity. Refuses a
 * damaged or half-merged repository (see COMMIT_GUARDS) and an empty diff
 * (WFM-GIT-NOTHING-TO-COMMIT): nothing is committed that the work did not
 * change. `.workflowmaster/` is added to `.git/info/exclude` first.
 */
export async function commitAll(
  session: GitSession,
  message: unknown,
  signal?: AbortSignal,
): Promise<CommitResult> {
  if (typeof message !== "string" || message.trim() === "" || message.includes("\0")) {
    throw new TypeError(
      "commitAll: the message must be a non-empty string without NUL characters.",
    );
  }
  const repairs = await guard(session, COMMIT_GUARDS, { signal });
  const layout = await session.layout();
  await ensureGitExclude(session.fs, layout.workTree, { random: session.random });
  await session.raw(["add", "--all", "--", ...ALL_BUT_RUN_STATE]);
  const staged = nulSeparated(await session.raw(["diff", "--cached", "--name-only", "-z"]));
  if (staged.length === 0) {
    throw session.error("WFM-GIT-NOTHING-TO-COMMIT", {
      message: `Nothing to commit in ${session.dir}: the working tree matches HEAD (run state aside).`,
    });
  }
  await session.raw(["commit", "--quiet", "-m", message]);
  const sha = await headSha(session);
  const branch = (await session.raw(["symbolic-ref", "--short", "HEAD"])).trim();
  await session.faultPoints.hit(FaultPoint.GitCommitCreated, session.faultContext());
  return { sha, branch, files: staged, repairs };
}
