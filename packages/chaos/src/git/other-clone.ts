import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { git, runGit } from "./run-git.js";

export interface OtherClone {
  /** The clone's working tree. */
  readonly dir: string;
  /** The branch checked out in it, named like the repository's own. */
  readonly branch: string;
  /** Whether the remote already had the branch (otherwise it starts at the remote's HEAD). */
  readonly branchExisted: boolean;
  /** The remote commit the clone's branch started from. */
  readonly base: string;
}

/**
 * Another person's clone of `repoDir`'s `origin`: a fresh clone in a temp
 * directory with the same branch checked out (started from the remote's
 * default branch when the remote does not have it yet). `work` commits in
 * it; the branch is then pushed to the remote and the clone removed.
 * Returns the pushed commit.
 */
export async function pushFromOtherClone(
  repoDir: string,
  work: (clone: OtherClone) => Promise<void>,
): Promise<{ clone: OtherClone; pushed: string; url: string }> {
  const branch = (await git(["symbolic-ref", "--short", "HEAD"], { cwd: repoDir })).trim();
  const rawUrl = (await git(["remote", "get-url", "origin"], { cwd: repoDir })).trim();
  // A relative path is relative to the repository, not to the clone.
  const url =
    /^[a-z][a-z0-9+.-]*:\/\//i.test(rawUrl) || isAbsolute(rawUrl) || /^[^/]+:/.test(rawUrl)
      ? rawUrl
      : resolve(repoDir, rawUrl);
  const parent = await mkdtemp(join(tmpdir(), "wfm-chaos-clone-"));
  try {
    const dir = join(parent, "clone");
    await git(["clone", "--quiet", url, dir], { cwd: parent });
    const remoteBranch = await runGit(
      ["rev-parse", "-q", "--verify", `refs/remotes/origin/${branch}`],
      {
        cwd: dir,
      },
    );
    const branchExisted = remoteBranch.exitCode === 0;
    await git(
      branchExisted
        ? ["switch", "--quiet", "-C", branch, `refs/remotes/origin/${branch}`]
        : ["switch", "--quiet", "-C", branch],
      { cwd: dir },
    );
    const base = (await git(["rev-parse", "HEAD"], { cwd: dir })).trim();
    const clone: OtherClone = { dir, branch, branchExisted, base };
    await work(clone);
    await git(["push", "--quiet", "origin", `HEAD:refs/heads/${branch}`], { cwd: dir });
    const pushed = (await git(["rev-parse", "HEAD"], { cwd: dir })).trim();
    return { clone, pushed, url };
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}
