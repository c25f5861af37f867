import type { FileStat, FileSystem } from "../ports/file-system.js";
import { hasErrno } from "../state/has-errno.js";

/** The file's bytes, or undefined when it does not exist (or a path component is not a directory). */
export async function readOptional(fs: FileSystem, path: string): Promise<Uint8Array | undefined> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    if (hasErrno(error, "ENOENT") || hasErrno(error, "ENOTDIR")) return undefined;
    throw error;
  }
}

/** The file's stat, or undefined when it does not exist. */
export async function statOptional(fs: FileSystem, path: string): Promise<FileStat | undefined> {
  try {
    return await fs.stat(path);
  } catch (error) {
    if (hasErrno(error, "ENOENT")) return undefined;
    throw error;
  }
}
