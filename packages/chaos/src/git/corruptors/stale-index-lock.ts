import { open, readFile, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { corruption, corruptorInput, type GitCorruptor } from "../git-corruptor.js";

const NAME = "stale-index-lock";

/** How old the left-behind lock looks: far past any live git command. */
export const STALE_INDEX_LOCK_AGE_MS = 60 * 60 * 1000;

/**
 * `.git/index.lock` left behind by a git process that died mid-write: the
 * first half of the index (a torn write), dated an hour before the index,
 * with no process holding it. Every later git command that writes the index
 * fails with "Unable to create '…/index.lock': File exists".
 */
export const staleIndexLock: GitCorruptor = {
  name: NAME,
  description: "Leaves a torn .git/index.lock an hour old, held by no process.",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const indexPath = join(input.gitDir, "index");
    const lockPath = join(input.gitDir, "index.lock");
    const index = await readFile(indexPath);
    const torn = index.subarray(0, Math.floor(index.length / 2));
    // "wx": a lock that is already there belongs to someone; never overwrite it.
    const handle = await open(lockPath, "wx", 0o644);
    try {
      await handle.writeFile(torn);
    } finally {
      await handle.close();
    }
    const indexTime = (await stat(indexPath)).mtimeMs;
    const lockTime = (indexTime - STALE_INDEX_LOCK_AGE_MS) / 1000;
    await utimes(lockPath, lockTime, lockTime);
    return corruption(input, {
      corruptor: NAME,
      target: lockPath,
      detail: { bytes: torn.length, ageMs: STALE_INDEX_LOCK_AGE_MS },
    });
  },
};
