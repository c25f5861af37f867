import { z } from "zod";
import { wfmError } from "../errors/catalogue.js";
import type { WorkflowMasterError } from "../errors/workflow-master-error.js";
import type { WorkflowEvent } from "../monitor/events.js";
import type { FileSystem, FileSystemStat } from "../ports/file-system.js";
import { parseOptions } from "../retry/parse-options.js";
import { formatBytes } from "./format-bytes.js";
import { nodeResourceProbe } from "./node-resource-probe.js";
import type { ResourceProbe } from "./resource-probe.js";

const MiB = 1024 * 1024;

/** Minimum headroom before a phase may start, with the defaults. */
export const ResourceThresholdsSchema = z.strictObject({
  /** Free bytes on the filesystem holding the run directory. */
  minFreeBytes: z
    .number()
    .int()
    .min(0)
    .default(64 * MiB),
  /** Free memory, in bytes. */
  minFreeMemoryBytes: z
    .number()
    .int()
    .min(0)
    .default(64 * MiB),
  /** File descriptors left under the soft limit. */
  minFreeFileDescriptors: z.number().int().min(0).default(64),
});

export type ResourceThresholds = z.output<typeof ResourceThresholdsSchema>;
export type ResourceThresholdsInput = z.input<typeof ResourceThresholdsSchema>;

/** The events a check produces: `resource.low` and `resource.pruned`. */
export type ResourceEvent = Extract<WorkflowEvent, { type: "resource.low" | "resource.pruned" }>;

export interface ResourceGuardOptions {
  fs: FileSystem;
  /** Memory and file-descriptor measurements; `nodeResourceProbe` by default. */
  probe?: ResourceProbe;
  thresholds?: ResourceThresholdsInput;
  /** Frees space by removing old snapshots of the run; resolves with the bytes freed. */
  pruneSnapshots?: (runDir: string) => Promise<number>;
  /** Receives each `resource.low` / `resource.pruned` event (awaited). */
  emit?: (event: ResourceEvent) => void | Promise<void>;
}

/** What one check measured and decided. */
export interface ResourceReport {
  /** The first shortage (disk, then memory, then descriptors), or undefined when all is well. */
  error: WorkflowMasterError | undefined;
  /** Every event the check produced, in order (also passed to `emit`). */
  events: ResourceEvent[];
  disk: { path: string; available: number; threshold: number; prunedBytes: number | undefined };
  memory: { available: number; threshold: number };
  fileDescriptors:
    | { open: number; limit: number; available: number; threshold: number }
    | { unmeasured: string; threshold: number };
}

export interface ResourceGuard {
  /** The engine's `resourceCheck`: a shortage as an error (the run pauses), else undefined. */
  check(phase: string, runDir: string): Promise<WorkflowMasterError | undefined>;
  /** The same check, with everything it measured. */
  inspect(phase: string, runDir: string): Promise<ResourceReport>;
}

/**
 * Checks headroom before a phase that writes, and acts on it: when disk
 * space is short it prunes old snapshots first and measures again, and
 * refuses only if that did not free enough. A refusal is an environmental
 * error (WFM-DISK-LOW, WFM-MEMORY-LOW, WFM-FD-LOW) whose guidance says what
 * to free; the engine pauses the run on it, so nothing is written into a
 * full disk and the run resumes once a person has made room.
 *
 * A `resource.low` event is produced for each resource still short after
 * acting (what the run pauses on, and what disk alerts read), and a
 * `resource.pruned` event when pruning ran. Failures to measure or to prune
 * reject: they are not a shortage, and guessing would hide them.
 */
export function createResourceGuard(options: ResourceGuardOptions): ResourceGuard {
  const thresholds = parseOptions(
    ResourceThresholdsSchema,
    options.thresholds ?? {},
    "resource thresholds",
  );
  const { fs, pruneSnapshots, emit } = options;
  const probe = options.probe ?? nodeResourceProbe;

  const inspect = async (phase: string, runDir: string): Promise<ResourceReport> => {
    const runId = runIdOf(runDir);
    const events: ResourceEvent[] = [];
    const context = { runId, phase, path: runDir };
    let error: WorkflowMasterError | undefined;

    // The four measurements are independent: taken together, they cost one
    // round trip to the thread pool instead of three.
    const [firstDisk, freeMemory, open, limit] = await Promise.all([
      statfsNearest(fs, runDir),
      probe.freeMemoryBytes(),
      probe.openFileDescriptors(),
      probe.fileDescriptorLimit(),
    ]);

    // Disk: if short, prune, measure again, and only then refuse.
    let disk = firstDisk;
    let prunedBytes: number | undefined;
    if (disk.availableBytes < thresholds.minFreeBytes && pruneSnapshots) {
      prunedBytes = await pruneSnapshots(runDir);
      disk = await statfsNearest(fs, runDir);
      events.push({
        type: "resource.pruned",
        runId,
        phase,
        freedBytes: prunedBytes,
        available: disk.availableBytes,
      });
    }
    if (disk.availableBytes < thresholds.minFreeBytes) {
      events.push(low(runId, "disk", disk.availableBytes, thresholds.minFreeBytes));
      const pruned =
        prunedBytes === undefined
          ? " No snapshot pruning is configured."
          : ` Pruning old snapshots freed ${formatBytes(prunedBytes)}, not enough.`;
      error = wfmError("WFM-DISK-LOW", {
        message: `Only ${formatBytes(disk.availableBytes)} free on the filesystem holding ${runDir}; phase \`${phase}\` needs at least ${formatBytes(thresholds.minFreeBytes)} to start.${pruned}`,
        context: { ...context, detail: formatBytes(disk.availableBytes) },
      });
    }

    if (freeMemory < thresholds.minFreeMemoryBytes) {
      events.push(low(runId, "memory", freeMemory, thresholds.minFreeMemoryBytes));
      error ??= wfmError("WFM-MEMORY-LOW", {
        message: `Only ${formatBytes(freeMemory)} of memory free; phase \`${phase}\` needs at least ${formatBytes(thresholds.minFreeMemoryBytes)} to start.`,
        context: { ...context, detail: formatBytes(freeMemory) },
      });
    }

    let fileDescriptors: ResourceReport["fileDescriptors"];
    if (open === undefined || limit === undefined) {
      fileDescriptors = {
        unmeasured: "open file descriptors cannot be counted on this platform",
        threshold: thresholds.minFreeFileDescriptors,
      };
    } else {
      const available = Math.max(0, limit - open);
      fileDescriptors = { open, limit, available, threshold: thresholds.minFreeFileDescriptors };
      if (available < thresholds.minFreeFileDescriptors) {
        events.push(low(runId, "file-descriptors", available, thresholds.minFreeFileDescriptors));
        error ??= wfmError("WFM-FD-LOW", {
          message: `Only ${available} file descriptors left (${open} open, limit ${limit}); phase \`${phase}\` needs at least ${thresholds.minFreeFileDescriptors} to start.`,
          context: { ...context, detail: String(available) },
        });
      }
    }

    if (emit) for (const event of events) await emit(event);
    return {
      error,
      events,
      disk: {
        path: runDir,
        available: disk.availableBytes,
        threshold: thresholds.minFreeBytes,
        prunedBytes,
      },
      memory: { available: freeMemory, threshold: thresholds.minFreeMemoryBytes },
      fileDescriptors,
    };
  };

  return {
    inspect,
    async check(phase, runDir) {
      return (await inspect(phase, runDir)).error;
    },
  };
}

function low(
  runId: string,
  resource: "disk" | "memory" | "file-descriptors",
  available: number,
  threshold: number,
): ResourceEvent {
  return { type: "resource.low", runId, resource, available, threshold };
}

/** `<root>/runs/<runId>` → `<runId>`. */
function runIdOf(runDir: string): string {
  const parts = runDir.split("/").filter((part) => part !== "");
  return parts[parts.length - 1] ?? runDir;
}

/**
 * statfs of the run directory, or — before the run store has created it — of
 * its nearest existing ancestor, which is on the same filesystem unless a
 * mount point is about to be created there.
 */
async function statfsNearest(fs: FileSystem, path: string): Promise<FileSystemStat> {
  let current = path;
  for (;;) {
    try {
      return await fs.statfs(current);
    } catch (error) {
      const parent = parentOf(current);
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || parent === current) throw error;
      current = parent;
    }
  }
}

function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  const index = trimmed.lastIndexOf("/");
  if (index < 0) return ".";
  return index === 0 ? "/" : trimmed.slice(0, index);
}
