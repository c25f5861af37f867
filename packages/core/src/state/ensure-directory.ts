import { dirname } from "node:path";
import type { FileSystem } from "../ports/file-system.js";
import { hasErrno } from "./has-errno.js";

/**
 * `mkdir -p`, durably: each directory it creates is made durable by
 * fsyncing its parent (a new directory entry is lost in a crash until
 * then). Returns the directories created, outermost first.
 */
export async function ensureDirectory(fs: FileSystem, path: string): Promise<string[]> {
  const missing: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    if (await isDirectory(fs, dir)) break;
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    try {
      await fs.mkdir(dir);
    } catch (error) {
      // Created meanwhile by someone else: fine, still make it durable.
      if (!hasErrno(error, "EEXIST")) throw error;
    }
    await fs.syncDirectory(dirname(dir));
  }
  return missing;
}

async function isDirectory(fs: FileSystem, path: string): Promise<boolean> {
  try {
    const stat = await fs.stat(path);
    if (!stat.isDirectory()) {
      throw Object.assign(new Error(`ENOTDIR: ${path} exists and is not a directory`), {
        code: "ENOTDIR",
        path,
      });
    }
    return true;
  } catch (error) {
    if (hasErrno(error, "ENOENT")) return false;
    throw error;
  }
}
