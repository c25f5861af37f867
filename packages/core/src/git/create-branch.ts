import type { GitSession } from "./git-session.js";
import { BRANCH_GUARDS, guard } from "./run-checks.js";
import { validBranch } from "./valid-branch.js";

export interface BranchResult {
  readonly branch: string;
  /** The commit the branch is at. */
  readonly sha: string;
  /** False when the branch was already there at the start point (a resumed run), and was switched to. */
  readonly created: boolean;
  readonly repairs: readonly string[];
}

/**
 * Creates `name` at `startPoint` (default HEAD) and switches to it;
 * uncommitted changes come along. Idempotent for a resumed run: already on
 * the branch, or the branch exists exactly at the start point, means switch
 * (if needed) and report `created: false`. A branch that exists elsewhere
 * holds someone's commits and is refused (WFM-GIT-BRANCH-EXISTS), never
 * reset.
 */
export async function createBranch(
  session: GitSession,
  name: unknown,
  startPoint: string | undefined,
  signal?: AbortSignal,
): Promise<BranchResult> {
  const branch = await validBranch(session, name, "createBranch");
  if (startPoint !== undefined && (startPoint === "" || startPoint.startsWith("-"))) {
    throw new TypeError(
      `createBranch: the start point must be a revision, got ${JSON.stringify(startPoint)}.`,
    );
  }
  const repairs = await guard(session, BRANCH_GUARDS, { signal, allowDetached: true });
  const start = (
    await session.raw(["rev-parse", "--verify", `${startPoint ?? "HEAD"}^{commit}`])
  ).trim();
  const current = await session.tryRaw(["symbolic-ref", "HEAD"]);
  const existing = await session.tryRaw([
    "rev-parse",
    "--verify",
    "--quiet",
    `refs/heads/${branch}^{commit}`,
  ]);
  if (current.ok && current.stdout.trim() === `refs/heads/${branch}`) {
    const sha = existing.ok ? existing.stdout.trim() : start;
    return { branch, sha, created: false, repairs };
  }
  if (existing.ok) {
    const sha = existing.stdout.trim();
    if (sha !== start) {
      throw session.error("WFM-GIT-BRANCH-EXISTS", {
        message: `A branch ${branch} already exists in ${session.dir} at ${sha}, not at the start point ${start}.`,
        context: { branch, sha, detail: `the run starts from ${start}` },
      });
    }
    await session.raw(["switch", "--quiet", branch]);
    return { branch, sha, created: false, repairs };
  }
  await session.raw(["switch", "--quiet", "-c", branch, start]);
  return { branch, sha: start, created: true, repairs };
}
