import type { FileSystem } from "../ports/file-system.js";
import { withCleanupError } from "./with-cleanup-error.js";

/** fsync(2) on an existing file by path (after a truncate, say), closing the handle either way. */
export async function syncFile(fs: FileSystem, path: string): Promise<void> {
  // "r+", not "r": fsync on a read-only descriptor is refused on some platforms.
  const handle = await fs.open(path, "r+");
  try {
    await handle.sync();
  } catch (error) {
    try {
      await handle.close();
    } catch (closeError) {
      throw withCleanupError(error, closeError, `closing ${path}`);
    }
    throw error;
  }
  await handle.close();
}
