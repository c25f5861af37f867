import { rm } from "node:fs/promises";
import { join } from "node:path";
import { corruption, corruptorInput, type GitCorruptor, hexFrom, pick } from "../git-corruptor.js";
import { git, runGit } from "../run-git.js";

const NAME = "merge-in-progress";

/**
 * A real conflicting merge left unresolved: `MERGE_HEAD`, unmerged index
 * entries and conflict markers in one file. The other side is a one-file
 * commit with unrelated history (`--allow-unrelated-histories`), so the
 * checked-out branch and its history stay exactly as they were; the file is
 * one the working tree has not changed, so uncommitted work is untouched
 * (git refuses to merge over local changes to the files it merges).
 */
export const mergeInProgress: GitCorruptor = {
  name: NAME,
  description: "Starts a real merge that conflicts in one unchanged tracked file and leaves it.",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const cwd = input.repoDir;
    const tracked = (await git(["ls-files", "-z"], { cwd })).split("\0").filter(Boolean);
    const changed = new Set(
      (await git(["diff", "--name-only", "-z", "HEAD"], { cwd })).split("\0").filter(Boolean),
    );
    const file = pick(
      tracked.filter((path) => !changed.has(path) && !path.startsWith(".workflowmaster/")),
      input.random,
      "tracked file without local changes",
    );
    const token = hexFrom(input.random, 8);
    const blob = (
      await git(["hash-object", "-w", "--stdin"], {
        cwd,
        input: `their side of ${file} (${token})\n`,
      })
    ).trim();
    // A private index builds the other side's tree without touching the real one.
    const scratchIndex = join(input.gitDir, `chaos-merge-${token}.index`);
    const env = { GIT_INDEX_FILE: scratchIndex };
    let theirs: string;
    try {
      await git(["update-index", "--add", "--cacheinfo", `100644,${blob},${file}`], { cwd, env });
      const tree = (await git(["write-tree"], { cwd, env })).trim();
      theirs = (
        await git(["commit-tree", tree, "-m", `chaos: their side (${token})`], { cwd })
      ).trim();
    } finally {
      await rm(scratchIndex, { force: true });
    }
    const merge = await runGit(
      ["merge", "--allow-unrelated-histories", "--no-edit", "-m", `chaos merge ${token}`, theirs],
      { cwd },
    );
    const mergeHead = await runGit(["rev-parse", "-q", "--verify", "MERGE_HEAD"], { cwd });
    if (merge.exitCode === 0 || mergeHead.exitCode !== 0) {
      throw new Error(
        `${NAME}: the merge did not stop on a conflict in ${cwd} (exit ${merge.exitCode}): ${merge.stderr.trim() || merge.stdout.trim()}`,
      );
    }
    return corruption(input, {
      corruptor: NAME,
      target: join(input.gitDir, "MERGE_HEAD"),
      detail: { file, theirs },
    });
  },
};
