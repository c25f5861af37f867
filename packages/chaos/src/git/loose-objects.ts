import { stat } from "node:fs/promises";
import { join } from "node:path";
import { git } from "./run-git.js";

export interface LooseObject {
  readonly sha: string;
  readonly type: string;
  /** Absolute path of the object's file under `.git/objects`. */
  readonly path: string;
  readonly size: number;
}

/**
 * Objects reachable from HEAD that are stored loose (one zlib file each),
 * in `git rev-list --objects` order: the commit first, then its trees and
 * blobs. Packed objects are left out: they are not what these corruptors
 * damage.
 */
export async function reachableLooseObjects(
  repoDir: string,
  gitDir: string,
): Promise<LooseObject[]> {
  const listing = await git(["rev-list", "--objects", "HEAD"], { cwd: repoDir });
  const shas = [...new Set(listing.split("\n").map((line) => line.split(" ")[0] ?? ""))].filter(
    (sha) => /^[0-9a-f]{40,64}$/.test(sha),
  );
  const objects: LooseObject[] = [];
  for (const sha of shas) {
    const path = join(gitDir, "objects", sha.slice(0, 2), sha.slice(2));
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined; // packed, not loose
      throw error;
    });
    if (info === undefined) continue;
    const type = (await git(["cat-file", "-t", sha], { cwd: repoDir })).trim();
    objects.push({ sha, type, path, size: info.size });
  }
  return objects;
}
