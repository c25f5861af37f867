import { execFile } from "node:child_process";
import { chmod, open, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { JsonObject } from "../../journal/json-value.js";
import { corruption, corruptorInput, type GitCorruptor } from "../git-corruptor.js";

const NAME = "unwritable-objects";
const run = promisify(execFile);

/** How the directory was made unwritable, strongest first. */
export const UnwritableMechanism = {
  /** A non-root user: the write bits are cleared, which the kernel enforces. */
  Chmod: "chmod",
  /** Root: a read-only bind mount of the directory over itself (EROFS). */
  ReadOnlyBindMount: "read-only-bind-mount",
  /** Root without mount rights: the immutable attribute on every directory and file (EPERM). */
  Immutable: "chattr-immutable",
  /** Root with neither: nothing can stop root writing, so the fault is not in force. */
  None: "none",
} as const;
export type UnwritableMechanism = (typeof UnwritableMechanism)[keyof typeof UnwritableMechanism];

interface Applied {
  readonly mechanism: UnwritableMechanism;
  readonly restore: () => Promise<void>;
}

/**
 * `.git/objects` made unwritable, so git cannot store a new object ("unable
 * to create temporary file"). Root ignores permission bits, so as root the
 * directory is bind-mounted read-only over itself, or failing that marked
 * immutable with `chattr +i`; when neither is possible the corruption says
 * so (`enforced: false`, mechanism "none") instead of pretending. `restore()`
 * must be called before the directory is removed.
 */
export const unwritableObjects: GitCorruptor = {
  name: NAME,
  description:
    "Makes .git/objects unwritable: chmod for a user; a read-only bind mount or chattr +i for root.",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const objects = join(input.gitDir, "objects");
    const attempts: string[] = [];
    const isRoot = process.getuid?.() === 0;
    const strategies: Array<[UnwritableMechanism, (dir: string) => Promise<Applied>]> = isRoot
      ? [
          [UnwritableMechanism.ReadOnlyBindMount, readOnlyBindMount],
          [UnwritableMechanism.Immutable, immutable],
        ]
      : [[UnwritableMechanism.Chmod, clearWriteBits]];
    for (const [mechanism, strategy] of strategies) {
      let applied: Applied;
      try {
        applied = await strategy(objects);
      } catch (error) {
        attempts.push(`${mechanism}: ${describe(error)}`);
        continue;
      }
      const probe = await probeWrite(objects);
      if (probe.writable) {
        await applied.restore();
        attempts.push(`${mechanism}: applied, but a test write still succeeded`);
        continue;
      }
      return corruption(input, {
        corruptor: NAME,
        target: objects,
        detail: detail(mechanism, attempts, probe.error),
        restore: once(applied.restore),
      });
    }
    const reason = isRoot
      ? "running as root: permission bits do not stop root, and neither a read-only bind mount nor chattr +i could be applied here"
      : "the write bits were cleared but writes still succeed";
    return corruption(input, {
      corruptor: NAME,
      target: objects,
      enforced: false,
      detail: { ...detail(UnwritableMechanism.None, attempts, undefined), reason },
    });
  },
};

function detail(
  mechanism: UnwritableMechanism,
  attempts: readonly string[],
  writeError: string | undefined,
): JsonObject {
  return {
    mechanism,
    attempts: [...attempts],
    ...(writeError === undefined ? {} : { writeError }),
  };
}

async function readOnlyBindMount(dir: string): Promise<Applied> {
  await run("mount", ["--bind", dir, dir]);
  try {
    await run("mount", ["-o", "remount,ro,bind", dir]);
  } catch (error) {
    await run("umount", [dir]);
    throw error;
  }
  return { mechanism: UnwritableMechanism.ReadOnlyBindMount, restore: () => unmount(dir) };
}

async function unmount(dir: string): Promise<void> {
  await run("umount", [dir]);
}

async function immutable(dir: string): Promise<Applied> {
  await run("chattr", ["-R", "+i", dir]);
  return {
    mechanism: UnwritableMechanism.Immutable,
    restore: async () => {
      await run("chattr", ["-R", "-i", dir]);
    },
  };
}

async function clearWriteBits(dir: string): Promise<Applied> {
  const directories = await allDirectories(dir);
  const modes = new Map<string, number>();
  for (const path of directories) {
    const mode = (await stat(path)).mode & 0o7777;
    modes.set(path, mode);
    await chmod(path, mode & ~0o222);
  }
  return {
    mechanism: UnwritableMechanism.Chmod,
    restore: async () => {
      for (const [path, mode] of modes) await chmod(path, mode);
    },
  };
}

async function allDirectories(dir: string): Promise<string[]> {
  const found = [dir];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) found.push(...(await allDirectories(join(dir, entry.name))));
  }
  return found;
}

/** Tries to create a file where git would; reports the refusal's text. */
async function probeWrite(dir: string): Promise<{ writable: boolean; error?: string }> {
  const path = join(dir, `tmp_obj_chaos_probe_${process.pid}`);
  try {
    const handle = await open(path, "wx");
    await handle.close();
  } catch (error) {
    return { writable: false, error: describe(error) };
  }
  await rm(path, { force: true });
  return { writable: true };
}

function once(restore: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= restore();
    return done;
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const extra = typeof stderr === "string" && stderr.trim() !== "" ? ` (${stderr.trim()})` : "";
    return `${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message.split("\n")[0]}${extra}`;
  }
  return String(error);
}
