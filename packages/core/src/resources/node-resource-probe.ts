import { readdir, readFile } from "node:fs/promises";
import * as os from "node:os";
import type { ResourceProbe } from "./resource-probe.js";

/**
 * The real measurements on Linux.
 *
 * Memory: the smaller of `os.freemem()` (the kernel's MemAvailable) and
 * `process.availableMemory()` (which also honours a cgroup memory limit, so
 * a container that is nearly at its limit counts as low even on a big host).
 *
 * File descriptors: the entries of `/proc/self/fd` (less the one the listing
 * itself holds open) against the soft limit in `/proc/self/limits`. Where
 * `/proc` is missing (not Linux), both are `undefined`: unmeasured.
 */
export const nodeResourceProbe: ResourceProbe = {
  async freeMemoryBytes() {
    const free = os.freemem();
    const available =
      typeof process.availableMemory === "function" ? process.availableMemory() : free;
    return Math.min(free, available);
  },
  async openFileDescriptors() {
    const entries = await ifProcExists(() => readdir("/proc/self/fd"));
    // The directory listing holds one descriptor of its own while it runs.
    return entries === undefined ? undefined : Math.max(0, entries.length - 1);
  },
  async fileDescriptorLimit() {
    const text = await ifProcExists(() => readFile("/proc/self/limits", "utf8"));
    return text === undefined ? undefined : parseOpenFilesLimit(text);
  },
};

/**
 * The soft limit from `/proc/self/limits`, whose line reads
 * `Max open files            20000                20000                files`.
 */
export function parseOpenFilesLimit(limits: string): number {
  const line = limits.split("\n").find((l) => l.startsWith("Max open files"));
  const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
  if (soft === "unlimited") return Number.POSITIVE_INFINITY;
  const value = Number(soft);
  if (soft === undefined || !Number.isInteger(value) || value < 0) {
    throw new Error(
      `Cannot read the open-files limit from /proc/self/limits: ${JSON.stringify(line ?? "(no such line)")}`,
    );
  }
  return value;
}

async function ifProcExists<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
