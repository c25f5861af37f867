import { dirname, join } from "node:path";
import type { FileHandle, FileSystem } from "../ports/file-system.js";
import { writeAll } from "../ports/file-system.js";
import type { Random } from "../ports/random.js";
import { hasErrno } from "./has-errno.js";
import { tempFileName } from "./temp-file-name.js";
import { withCleanupError } from "./with-cleanup-error.js";

export interface AtomicWriteOptions {
  fs: FileSystem;
  random: Random;
  path: string;
  data: Uint8Array;
  /** Called between the steps, for fault points. A throw aborts the write. */
  hooks?: {
    tempSynced?: () => Promise<void>;
    renamed?: () => Promise<void>;
    directorySynced?: () => Promise<void>;
  };
}

/**
 * Replaces `path` so that a crash at any moment leaves either the old file
 * or the whole new one, never a torn one: unique temp in the same directory
 * (created exclusively) → write every byte → fsync → close → rename over
 * `path` → fsync the directory (without which the rename itself may be lost).
 * A temp left by a crash is removed by the next start-up recovery.
 */
export async function writeFileAtomic(options: AtomicWriteOptions): Promise<void> {
  const { fs, random, path, data, hooks } = options;
  const dir = dirname(path);
  const { temp, handle } = await createTemp(fs, random, dir);
  let open: FileHandle | undefined = handle;
  try {
    await writeAll(handle, data);
    await handle.sync();
    open = undefined;
    await handle.close();
  } catch (error) {
    throw await removeTemp(fs, temp, open, error);
  }
  // Hooks are fault points: one that throws is the process dying there, so
  // the temp file stays behind for start-up recovery, as it would after a
  // real crash.
  await hooks?.tempSynced?.();
  try {
    await fs.rename(temp, path);
  } catch (error) {
    throw await removeTemp(fs, temp, undefined, error);
  }
  await hooks?.renamed?.();
  await fs.syncDirectory(dir);
  await hooks?.directorySynced?.();
}

async function createTemp(
  fs: FileSystem,
  random: Random,
  dir: string,
): Promise<{ temp: string; handle: FileHandle }> {
  // A collision is astronomically unlikely with real randomness, but a
  // replayed seed reuses names, so try a few before giving up.
  for (let attempt = 1; ; attempt++) {
    const temp = join(dir, tempFileName(random));
    try {
      return { temp, handle: await fs.open(temp, "wx") };
    } catch (error) {
      if (!hasErrno(error, "EEXIST") || attempt >= 8) throw error;
    }
  }
}

async function removeTemp(
  fs: FileSystem,
  temp: string,
  open: FileHandle | undefined,
  original: unknown,
): Promise<unknown> {
  try {
    if (open) await open.close();
    await fs.unlink(temp);
    return original;
  } catch (cleanupError) {
    if (hasErrno(cleanupError, "ENOENT")) return original;
    return withCleanupError(original, cleanupError, `removing the temp file ${temp}`);
  }
}
