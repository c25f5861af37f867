import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { createSeed } from "../seed/create-seed.js";
import { createFaultFileSystem } from "./fault-fs.js";
import { bytesThatFit } from "./quota.js";

describe("bytesThatFit: the quota arithmetic", () => {
  it.each([
    // offset, length, size, available → fits
    { offset: 0, length: 10, size: 0, available: 10, fits: 10 },
    { offset: 0, length: 10, size: 0, available: 9, fits: 9 },
    { offset: 0, length: 10, size: 0, available: 0, fits: 0 },
    { offset: 5, length: 10, size: 5, available: 3, fits: 3 },
    // Overwriting takes no space; only the part past the end does.
    { offset: 0, length: 10, size: 10, available: 0, fits: 10 },
    { offset: 4, length: 10, size: 10, available: 2, fits: 8 },
    // A hole counts as written: past the end plus what is left must fit.
    { offset: 20, length: 5, size: 10, available: 12, fits: 2 },
    { offset: 20, length: 5, size: 10, available: 10, fits: 0 },
    { offset: 20, length: 5, size: 10, available: 3, fits: 0 },
  ])("writes $fits of $length bytes at $offset into $size with $available free", (write) => {
    expect(bytesThatFit(write)).toBe(write.fits);
  });
});

function quotaFs(quotaBytes: number) {
  const clock = createVirtualClock();
  const journal = createFaultJournal(clock);
  const fs = createFaultFileSystem({
    random: createSeed(3).stream("fs"),
    journal,
    clock,
    quotaBytes,
  });
  return { fs, journal };
}

describe("createFaultFileSystem: ENOSPC at a byte quota", () => {
  it("short-writes what fits, then fails the next write with ENOSPC", async () => {
    const { fs, journal } = quotaFs(100);
    const handle = await fs.open("/f", "w");
    expect(await handle.write(new Uint8Array(60))).toEqual({ bytesWritten: 60 });
    expect(await handle.write(new Uint8Array(60))).toEqual({ bytesWritten: 40 });
    await expect(handle.write(new Uint8Array(1))).rejects.toMatchObject({
      message: "ENOSPC: no space left on device, write",
      code: "ENOSPC",
      errno: -28,
      syscall: "write",
    });
    expect((await fs.readFile("/f")).length).toBe(100);
    expect(await fs.statfs("/")).toEqual({ availableBytes: 0, totalBytes: 100 });
    expect(
      journal
        .entries()
        .map(({ fault, target, outcome, detail }) => ({ fault, target, outcome, detail })),
    ).toEqual([
      {
        fault: "ENOSPC",
        target: "/f",
        outcome: "short-write",
        detail: { operation: "write", by: "quota", requested: 60, written: 40 },
      },
      {
        fault: "ENOSPC",
        target: "/f",
        outcome: "thrown",
        detail: { operation: "write", by: "quota", requested: 1, written: 0, syscall: "write" },
      },
    ]);
  });

  it("fills to exactly the quota and still allows overwrites in place", async () => {
    const { fs } = quotaFs(10);
    const handle = await fs.open("/f", "w");
    expect(await handle.write(new Uint8Array(10).fill(1))).toEqual({ bytesWritten: 10 });
    expect(await handle.write(new Uint8Array(4).fill(2), 3)).toEqual({ bytesWritten: 4 });
    expect([...(await fs.readFile("/f"))]).toEqual([1, 1, 1, 2, 2, 2, 2, 1, 1, 1]);
    expect(fs.usedBytes).toBe(10);
  });

  it("counts every file, and gives space back on unlink, truncate, rename over and rm", async () => {
    const { fs } = quotaFs(1000);
    await fs.mkdir("/d");
    for (const [name, size] of [
      ["a", 100],
      ["b", 200],
      ["c", 300],
    ] as const) {
      const handle = await fs.open(`/d/${name}`, "w");
      await handle.write(new Uint8Array(size));
      await handle.close();
    }
    expect((await fs.statfs("/d")).availableBytes).toBe(400);
    await fs.unlink("/d/a");
    expect(fs.usedBytes).toBe(500);
    await fs.truncate("/d/b", 50);
    expect(fs.usedBytes).toBe(350);
    await fs.rename("/d/b", "/d/c");
    expect(fs.usedBytes).toBe(50);
    const reopened = await fs.open("/d/c", "w");
    await reopened.close();
    expect(fs.usedBytes).toBe(0);
    await fs.truncate("/d/c", 20);
    expect(fs.usedBytes).toBe(20);
    await fs.rm("/d", { recursive: true });
    expect(await fs.statfs("/")).toEqual({ availableBytes: 1000, totalBytes: 1000 });
  });

  it("fails a truncate that grows past the quota with ENOSPC", async () => {
    const { fs } = quotaFs(10);
    await (await fs.open("/f", "w")).close();
    await expect(fs.truncate("/f", 11)).rejects.toMatchObject({
      message: "ENOSPC: no space left on device, ftruncate",
      syscall: "ftruncate",
    });
    await fs.truncate("/f", 10);
    expect(fs.usedBytes).toBe(10);
  });

  it("reports an unlimited filesystem as the largest safe size", async () => {
    const clock = createVirtualClock();
    const fs = createFaultFileSystem({
      random: createSeed(3).stream("fs"),
      journal: createFaultJournal(clock),
    });
    const handle = await fs.open("/f", "w");
    await handle.write(new Uint8Array(7));
    expect(await fs.statfs("/f")).toEqual({
      availableBytes: Number.MAX_SAFE_INTEGER - 7,
      totalBytes: Number.MAX_SAFE_INTEGER,
    });
  });
});
