import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, statfs, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FileSystem, FileSystemStat } from "../ports/file-system.js";
import { nodeFileSystem } from "../ports/file-system.js";
import { formatBytes } from "./format-bytes.js";
import type { ResourceEvent } from "./resource-guard.js";
import { createResourceGuard } from "./resource-guard.js";
import type { ResourceProbe } from "./resource-probe.js";

const MiB = 1024 * 1024;

/** Plenty of memory and descriptors, so a test looks at one resource at a time. */
function fakeProbe(overrides: Partial<Record<keyof ResourceProbe, number | undefined>> = {}) {
  const values = {
    freeMemoryBytes: 8 * 1024 * MiB,
    openFileDescriptors: 20,
    fileDescriptorLimit: 20_000,
    ...overrides,
  };
  return {
    freeMemoryBytes: async () => values.freeMemoryBytes as number,
    openFileDescriptors: async () => values.openFileDescriptors,
    fileDescriptorLimit: async () => values.fileDescriptorLimit,
  } satisfies ResourceProbe;
}

/** A filesystem whose statfs answers from a script and logs each call. */
function scriptedStatfs(available: number[], log: string[]): FileSystem {
  return {
    ...nodeFileSystem,
    statfs: async (path): Promise<FileSystemStat> => {
      log.push(`statfs ${path}`);
      const next = available.shift();
      if (next === undefined) throw new Error("statfs called more often than scripted");
      return { availableBytes: next, totalBytes: 1024 * MiB };
    },
  };
}

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-resources-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("disk space, measured with the real statfs", () => {
  it("passes when the temp directory's filesystem has more free than the threshold", async () => {
    const runDir = join(dir, "runs", "r1");
    await mkdir(runDir, { recursive: true });
    const guard = createResourceGuard({
      fs: nodeFileSystem,
      probe: fakeProbe(),
      thresholds: { minFreeBytes: 1 },
    });
    const report = await guard.inspect("push", runDir);
    const real = await statfs(runDir);
    expect(report.error).toBeUndefined();
    expect(report.events).toEqual([]);
    expect(report.disk.available).toBeGreaterThan(1);
    expect(report.disk.available).toBeLessThanOrEqual(real.blocks * real.bsize);
    expect(report.disk.prunedBytes).toBeUndefined();
    expect(await guard.check("push", runDir)).toBeUndefined();
  });

  it("refuses with WFM-DISK-LOW when the threshold is above the real free space", async () => {
    const runDir = join(dir, "runs", "r1");
    await mkdir(runDir, { recursive: true });
    const real = await statfs(runDir);
    const threshold = real.blocks * real.bsize * 2; // more than the whole disk
    const emitted: ResourceEvent[] = [];
    const guard = createResourceGuard({
      fs: nodeFileSystem,
      probe: fakeProbe(),
      thresholds: { minFreeBytes: threshold },
      emit: (event) => {
        emitted.push(event);
      },
    });
    const report = await guard.inspect("push", runDir);
    const free = report.disk.available;
    expect(report.events).toEqual([
      { type: "resource.low", runId: "r1", resource: "disk", available: free, threshold },
    ]);
    expect(emitted).toEqual(report.events);
    expect(report.error?.toJSON()).toEqual({
      code: "WFM-DISK-LOW",
      kind: "environmental",
      message: `Only ${formatBytes(free)} free on the filesystem holding ${runDir}; phase \`push\` needs at least ${formatBytes(threshold)} to start. No snapshot pruning is configured.`,
      guidance: `Only ${formatBytes(free)} free on the filesystem holding ${runDir}. Free some space, then resume.`,
      command: "workflowmaster resume r1",
      automatic: "Pruned old snapshots, checked again, and paused the run before writing.",
    });
  });

  it("measures the nearest existing directory when the run directory is not created yet", async () => {
    const guard = createResourceGuard({
      fs: nodeFileSystem,
      probe: fakeProbe(),
      thresholds: { minFreeBytes: 1 },
    });
    const report = await guard.inspect("issue", join(dir, "runs", "not-yet", ""));
    expect(report.error).toBeUndefined();
    expect(report.disk.available).toBeGreaterThan(1);
  });

  it("rejects, rather than guesses, when statfs fails for another reason", async () => {
    const eio = Object.assign(new Error("EIO: i/o error, statfs"), { code: "EIO" });
    const guard = createResourceGuard({
      fs: {
        ...nodeFileSystem,
        statfs: () => Promise.reject(eio),
      },
      probe: fakeProbe(),
    });
    await expect(guard.check("push", dir)).rejects.toBe(eio);
  });
});

describe("pruning snapshots when space is short", () => {
  it("prunes, measures again, and passes when pruning freed enough", async () => {
    const log: string[] = [];
    const guard = createResourceGuard({
      fs: scriptedStatfs([10 * MiB, 100 * MiB], log),
      probe: fakeProbe(),
      pruneSnapshots: async (runDir) => {
        log.push(`prune ${runDir}`);
        return 90 * MiB;
      },
    });
    const report = await guard.inspect("commit", "/repo/.workflowmaster/runs/r7");
    expect(log).toEqual([
      "statfs /repo/.workflowmaster/runs/r7",
      "prune /repo/.workflowmaster/runs/r7",
      "statfs /repo/.workflowmaster/runs/r7",
    ]);
    expect(report.error).toBeUndefined();
    expect(report.events).toEqual([
      {
        type: "resource.pruned",
        runId: "r7",
        phase: "commit",
        freedBytes: 90 * MiB,
        available: 100 * MiB,
      },
    ]);
    expect(report.disk).toEqual({
      path: "/repo/.workflowmaster/runs/r7",
      available: 100 * MiB,
      threshold: 64 * MiB,
      prunedBytes: 90 * MiB,
    });
  });

  it("refuses only after pruning did not free enough", async () => {
    const log: string[] = [];
    const guard = createResourceGuard({
      fs: scriptedStatfs([10 * MiB, 12 * MiB], log),
      probe: fakeProbe(),
      pruneSnapshots: async (runDir) => {
        log.push(`prune ${runDir}`);
        return 2 * MiB;
      },
    });
    const report = await guard.inspect("commit", "/repo/.workflowmaster/runs/r7");
    expect(log).toEqual([
      "statfs /repo/.workflowmaster/runs/r7",
      "prune /repo/.workflowmaster/runs/r7",
      "statfs /repo/.workflowmaster/runs/r7",
    ]);
    expect(report.events).toEqual([
      {
        type: "resource.pruned",
        runId: "r7",
        phase: "commit",
        freedBytes: 2 * MiB,
        available: 12 * MiB,
      },
      {
        type: "resource.low",
        runId: "r7",
        resource: "disk",
        available: 12 * MiB,
        threshold: 64 * MiB,
      },
    ]);
    expect(report.error?.code).toBe("WFM-DISK-LOW");
    expect(report.error?.message).toBe(
      "Only 12 MiB free on the filesystem holding /repo/.workflowmaster/runs/r7; phase `commit` needs at least 64 MiB to start. Pruning old snapshots freed 2 MiB, not enough.",
    );
    expect(report.error?.guidance).toBe(
      "Only 12 MiB free on the filesystem holding /repo/.workflowmaster/runs/r7. Free some space, then resume.",
    );
  });

  it("does not prune when there is enough space", async () => {
    const log: string[] = [];
    const guard = createResourceGuard({
      fs: scriptedStatfs([65 * MiB], log),
      probe: fakeProbe(),
      pruneSnapshots: async () => {
        log.push("prune");
        return 0;
      },
    });
    expect(await guard.check("push", "/r/runs/r1")).toBeUndefined();
    expect(log).toEqual(["statfs /r/runs/r1"]);
  });

  it("rejects with the pruning error when pruning fails", async () => {
    const eacces = Object.assign(new Error("EACCES: permission denied, unlink"), {
      code: "EACCES",
    });
    const guard = createResourceGuard({
      fs: scriptedStatfs([1 * MiB], []),
      probe: fakeProbe(),
      pruneSnapshots: () => Promise.reject(eacces),
    });
    await expect(guard.check("push", "/r/runs/r1")).rejects.toBe(eacces);
  });
});

describe("memory and file descriptors, from a probe", () => {
  const plentyOfDisk = () => scriptedStatfs([1024 * MiB], []);

  it("refuses with WFM-MEMORY-LOW when free memory is below the threshold", async () => {
    const guard = createResourceGuard({
      fs: plentyOfDisk(),
      probe: fakeProbe({ freeMemoryBytes: 40 * MiB }),
    });
    const report = await guard.inspect("implement", "/r/runs/r1");
    expect(report.events).toEqual([
      {
        type: "resource.low",
        runId: "r1",
        resource: "memory",
        available: 40 * MiB,
        threshold: 64 * MiB,
      },
    ]);
    expect(report.error?.toJSON()).toEqual({
      code: "WFM-MEMORY-LOW",
      kind: "environmental",
      message: "Only 40 MiB of memory free; phase `implement` needs at least 64 MiB to start.",
      guidance: "Only 40 MiB of memory is free. Close other programs, then resume.",
      command: "workflowmaster resume r1",
      automatic: "Paused the run before starting the phase.",
    });
  });

  it("passes with exactly the threshold of memory free", async () => {
    const guard = createResourceGuard({
      fs: plentyOfDisk(),
      probe: fakeProbe({ freeMemoryBytes: 64 * MiB }),
    });
    expect(await guard.check("implement", "/r/runs/r1")).toBeUndefined();
  });

  it("refuses with WFM-FD-LOW when too few descriptors are left under the limit", async () => {
    const guard = createResourceGuard({
      fs: plentyOfDisk(),
      probe: fakeProbe({ openFileDescriptors: 1000, fileDescriptorLimit: 1024 }),
    });
    const report = await guard.inspect("push", "/r/runs/r1");
    expect(report.fileDescriptors).toEqual({
      open: 1000,
      limit: 1024,
      available: 24,
      threshold: 64,
    });
    expect(report.events).toEqual([
      {
        type: "resource.low",
        runId: "r1",
        resource: "file-descriptors",
        available: 24,
        threshold: 64,
      },
    ]);
    expect(report.error?.toJSON()).toEqual({
      code: "WFM-FD-LOW",
      kind: "environmental",
      message:
        "Only 24 file descriptors left (1000 open, limit 1024); phase `push` needs at least 64 to start.",
      guidance: "Only 24 file descriptors are left (ulimit -n). Raise the limit, then resume.",
      command: "workflowmaster resume r1",
      automatic: "Paused the run before starting the phase.",
    });
  });

  it("reports descriptors as unmeasured where the platform cannot count them", async () => {
    const guard = createResourceGuard({
      fs: plentyOfDisk(),
      probe: fakeProbe({ openFileDescriptors: undefined }),
    });
    const report = await guard.inspect("push", "/r/runs/r1");
    expect(report.error).toBeUndefined();
    expect(report.fileDescriptors).toEqual({
      unmeasured: "open file descriptors cannot be counted on this platform",
      threshold: 64,
    });
  });

  it("never runs short under an unlimited descriptor limit", async () => {
    const guard = createResourceGuard({
      fs: plentyOfDisk(),
      probe: fakeProbe({ openFileDescriptors: 1_000_000, fileDescriptorLimit: Infinity }),
    });
    expect(await guard.check("push", "/r/runs/r1")).toBeUndefined();
  });

  it("emits an event for every short resource and returns the disk error first", async () => {
    const emitted: ResourceEvent[] = [];
    const guard = createResourceGuard({
      fs: scriptedStatfs([1 * MiB], []),
      probe: fakeProbe({
        freeMemoryBytes: 1 * MiB,
        openFileDescriptors: 1024,
        fileDescriptorLimit: 1024,
      }),
      emit: async (event) => {
        emitted.push(event);
      },
    });
    const error = await guard.check("push", "/r/runs/r1");
    expect(error?.code).toBe("WFM-DISK-LOW");
    expect(emitted.map((e) => (e.type === "resource.low" ? e.resource : e.type))).toEqual([
      "disk",
      "memory",
      "file-descriptors",
    ]);
  });
});

describe("thresholds", () => {
  it("default to 64 MiB of disk, 64 MiB of memory and 64 descriptors", async () => {
    const guard = createResourceGuard({ fs: scriptedStatfs([64 * MiB], []), probe: fakeProbe() });
    const report = await guard.inspect("push", "/r/runs/r1");
    expect([
      report.disk.threshold,
      report.memory.threshold,
      report.fileDescriptors.threshold,
    ]).toEqual([64 * MiB, 64 * MiB, 64]);
  });

  it("are refused with a TypeError naming the bad field", () => {
    expect(() =>
      createResourceGuard({ fs: nodeFileSystem, thresholds: { minFreeBytes: -1 } }),
    ).toThrow(
      new TypeError(
        "Invalid resource thresholds: `minFreeBytes`: Too small: expected number to be >=0.",
      ),
    );
    expect(() =>
      createResourceGuard({ fs: nodeFileSystem, thresholds: { minFreeMemory: 1 } as never }),
    ).toThrow('Invalid resource thresholds: `(options)`: Unrecognized key: "minFreeMemory".');
  });
});

describe("a nearly full real tmpfs (1 MiB, mounted by this test as root)", () => {
  it("refuses when full, and passes once pruning a real snapshot frees real space", async () => {
    expect(process.getuid?.()).toBe(0); // platform.md: these machines run the tests as root
    const mountPoint = join(dir, "tmpfs");
    await mkdir(mountPoint);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]);
    try {
      const runDir = join(mountPoint, "runs", "r1");
      const snapshot = join(runDir, "snapshots", "snapshot-0001.json");
      await mkdir(join(runDir, "snapshots"), { recursive: true });
      await writeFile(snapshot, Buffer.alloc(512 * 1024, 1));
      // Fill the rest until the kernel says ENOSPC.
      await expect(
        writeFile(join(mountPoint, "filler"), Buffer.alloc(1024 * 1024, 2)),
      ).rejects.toMatchObject({ code: "ENOSPC" });
      expect((await stat(join(mountPoint, "filler"))).size).toBe(512 * 1024);

      const threshold = 64 * 1024;
      const full = createResourceGuard({
        fs: nodeFileSystem,
        probe: fakeProbe(),
        thresholds: { minFreeBytes: threshold },
        pruneSnapshots: async () => 0, // nothing old enough to prune
      });
      const refused = await full.inspect("commit", runDir);
      expect(refused.error?.code).toBe("WFM-DISK-LOW");
      expect(refused.error?.message).toBe(
        `Only 0 bytes free on the filesystem holding ${runDir}; phase \`commit\` needs at least 64 KiB to start. Pruning old snapshots freed 0 bytes, not enough.`,
      );
      expect(refused.events).toEqual([
        { type: "resource.pruned", runId: "r1", phase: "commit", freedBytes: 0, available: 0 },
        { type: "resource.low", runId: "r1", resource: "disk", available: 0, threshold },
      ]);

      const pruning = createResourceGuard({
        fs: nodeFileSystem,
        probe: fakeProbe(),
        thresholds: { minFreeBytes: threshold },
        pruneSnapshots: async () => {
          const { size } = await stat(snapshot);
          await unlink(snapshot);
          return size;
        },
      });
      const passed = await pruning.inspect("commit", runDir);
      expect(passed.error).toBeUndefined();
      expect(passed.events).toEqual([
        {
          type: "resource.pruned",
          runId: "r1",
          phase: "commit",
          freedBytes: 512 * 1024,
          available: 512 * 1024,
        },
      ]);
    } finally {
      execFileSync("umount", [mountPoint]);
    }
  });
});
