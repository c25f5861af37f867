import { dirname, sep } from "node:path";
import type { FileSystem } from "@workflowmaster/core";

/** The test-only switch that makes the measured hardened path slower on purpose. */
export const SLOWDOWN_ENV = "WORKFLOWMASTER_BENCH_SLOWDOWN";

export const Slowdown = {
  /** One extra fsync per checkpoint: the snapshots directory, after the temp file is created. */
  ExtraFsync: "extra-fsync",
} as const;
export type Slowdown = (typeof Slowdown)[keyof typeof Slowdown];

/** Reads the switch; anything but unset or a known value is refused. */
export function slowdownFromEnv(env: NodeJS.ProcessEnv = process.env): Slowdown | undefined {
  const value = env[SLOWDOWN_ENV];
  if (value === undefined || value === "") return undefined;
  if (value === Slowdown.ExtraFsync) return value;
  throw new TypeError(
    `${SLOWDOWN_ENV} must be unset or "${Slowdown.ExtraFsync}", got ${JSON.stringify(value)}.`,
  );
}

/**
 * The file system the benchmarks give the hardened path. With the switch on,
 * creating a checkpoint's temp file (opened "wx" inside a `snapshots`
 * directory) adds one fsync of that directory: a real extra fsync per
 * checkpoint, with the new entry to make durable, as a careless change would
 * add. Only the benchmark harness reads the switch: the engine and the run
 * store never see it, and the physical floor always uses the real file
 * system directly.
 */
export function harnessFileSystem(base: FileSystem, slowdown: Slowdown | undefined): FileSystem {
  if (slowdown === undefined) return base;
  const marker = `${sep}snapshots${sep}`;
  return {
    ...base,
    async open(path, flags, mode) {
      const handle = await base.open(path, flags, mode);
      if (flags === "wx" && path.includes(marker)) await base.syncDirectory(dirname(path));
      return handle;
    },
  };
}
