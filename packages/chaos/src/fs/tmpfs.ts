import { execFile } from "node:child_process";
import { mkdtemp, rmdir, statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { parseOptions } from "../options/parse-options.js";

const run = promisify(execFile);

export interface TmpfsOptions {
  /** The filesystem's size: writes past it fail with a real ENOSPC (rounded up to whole pages). */
  sizeBytes: number;
  /** How many files and directories it holds (`nr_inodes`): one more fails with ENOSPC. */
  inodes?: number;
}

/** A real tmpfs, mounted on a fresh directory. */
export interface TmpfsMount {
  readonly available: true;
  /** Where it is mounted (a new directory under the OS temp directory). */
  readonly dir: string;
  /** The size the kernel gave it (statfs blocks × block size). */
  readonly sizeBytes: number;
  /** `mount -o remount,ro`: from now on every write fails with EROFS. */
  remountReadOnly(): Promise<void>;
  /** Unmounts and removes the directory; later calls do nothing. */
  unmount(): Promise<void>;
}

/** Why no tmpfs could be mounted here, in one sentence to show the user. */
export interface TmpfsUnavailable {
  readonly available: false;
  readonly reason: string;
}

const optionsSchema = z.strictObject({
  sizeBytes: z.number().int("must be an integer").positive("must be > 0"),
  inodes: z.number().int("must be an integer").positive("must be > 0").optional(),
});

/**
 * Mounts a tmpfs of `sizeBytes` (`mount -t tmpfs -o size=N[,nr_inodes=M]`):
 * the real-disk backend, where ENOSPC, EROFS and inode exhaustion come from
 * the kernel. Needs Linux and root (CAP_SYS_ADMIN); anywhere else it
 * resolves to `{ available: false, reason }` — report that reason, never
 * skip quietly.
 */
export async function mountTmpfs(options: TmpfsOptions): Promise<TmpfsMount | TmpfsUnavailable> {
  const { sizeBytes, inodes } = parseOptions(optionsSchema, options, "mountTmpfs options");
  if (process.platform !== "linux") {
    return unavailable(`mounting a tmpfs needs Linux; this is ${process.platform}`);
  }
  const uid = process.getuid?.();
  if (uid !== 0) {
    return unavailable(`mounting a tmpfs needs root; this process runs as uid ${String(uid)}`);
  }
  const dir = await mkdtemp(join(tmpdir(), "wfm-tmpfs-"));
  const mountOptions = `size=${sizeBytes}${inodes === undefined ? "" : `,nr_inodes=${inodes}`}`;
  try {
    await run("mount", ["-t", "tmpfs", "-o", mountOptions, "tmpfs", dir]);
  } catch (error) {
    await rmdir(dir);
    return unavailable(`mount -t tmpfs -o ${mountOptions} failed: ${commandFailure(error)}`);
  }
  const stat = await statfs(dir);
  let mounted = true;
  return {
    available: true,
    dir,
    sizeBytes: stat.blocks * stat.bsize,
    async remountReadOnly() {
      if (!mounted) throw new Error(`The tmpfs at ${dir} is already unmounted.`);
      await run("mount", ["-o", "remount,ro", dir]);
    },
    async unmount() {
      if (!mounted) return;
      await run("umount", [dir]);
      mounted = false;
      await rmdir(dir);
    },
  };
}

function unavailable(reason: string): TmpfsUnavailable {
  return { available: false, reason };
}

/** The command's own words (stderr), else the error's message. */
function commandFailure(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  if (typeof stderr === "string" && stderr.trim() !== "") return stderr.trim();
  return error instanceof Error ? error.message : String(error);
}
