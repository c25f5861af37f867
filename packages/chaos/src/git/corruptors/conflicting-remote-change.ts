import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { corruption, corruptorInput, type GitCorruptor, hexFrom, pick } from "../git-corruptor.js";
import { pushFromOtherClone } from "../other-clone.js";
import { git, runGit } from "../run-git.js";

const NAME = "conflicting-remote-change";

/**
 * Someone else pushed a change to the same lines on the same branch: another
 * clone rewrites one of the files the repository changed (committed since
 * the remote's version, or else uncommitted) with different content and
 * pushes it. A rebase of the local work onto the remote then conflicts in
 * that file, whether the local change edited, added or deleted it.
 */
export const conflictingRemoteChange: GitCorruptor = {
  name: NAME,
  description: "Another clone pushes a different version of a file the local work changed.",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const token = hexFrom(input.random, 8);
    let file = "";
    const { clone, pushed } = await pushFromOtherClone(input.repoDir, async ({ dir, base }) => {
      file = pick(
        await locallyChangedFiles(input.repoDir, base),
        input.random,
        "locally changed file",
      );
      const path = join(dir, file);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(
        path,
        `Someone else rewrote this file (${token}).\nTheir second line.\nTheir third line.\n`,
      );
      await git(["add", "--", file], { cwd: dir });
      await git(["commit", "--quiet", "-m", `Someone else's conflicting change (${token})`], {
        cwd: dir,
      });
    });
    return corruption(input, {
      corruptor: NAME,
      target: `origin/${clone.branch}`,
      detail: { branch: clone.branch, file, pushed, branchExisted: clone.branchExisted },
    });
  },
};

/**
 * Files the local work changed relative to `base` (the remote's version of
 * the branch): committed changes since their common ancestor, then
 * uncommitted ones. Run state is never among them.
 */
async function locallyChangedFiles(repoDir: string, base: string): Promise<string[]> {
  const names = (output: string) => output.split("\0").filter(Boolean);
  const files = new Set<string>();
  const known = await runGit(["cat-file", "-e", `${base}^{commit}`], { cwd: repoDir });
  if (known.exitCode === 0) {
    const ancestor = (await git(["merge-base", "HEAD", base], { cwd: repoDir })).trim();
    for (const name of names(
      await git(["diff", "--name-only", "-z", ancestor, "HEAD"], { cwd: repoDir }),
    )) {
      files.add(name);
    }
  }
  for (const name of names(await git(["diff", "--name-only", "-z", "HEAD"], { cwd: repoDir }))) {
    files.add(name);
  }
  return [...files].filter((name) => !name.startsWith(".workflowmaster/")).sort();
}
