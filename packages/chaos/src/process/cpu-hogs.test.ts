import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { startCpuHogs } from "./cpu-hogs.js";

/** Polls `condition` every 20 ms for up to 20 s (CPU time accrues only as the machine allows). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 1000; tries += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Timed out waiting until ${what}.`);
}

describe("startCpuHogs: load", () => {
  it("starts one busy thread per core by default, each burning CPU time of its own", async () => {
    const journal = createFaultJournal(createVirtualClock());
    const hogs = startCpuHogs({ journal });
    try {
      expect(hogs.workers).toBe(availableParallelism());
      expect(hogs.running).toBe(availableParallelism());
      // Each thread's own CPU time (not the process's) passes 300 ms: every hog really spins.
      await until(
        () => hogs.stats().every((stat) => (stat.cpuMs ?? 0) >= 300),
        "every hog used 300 ms of CPU",
      );
      expect(hogs.stats().length).toBe(availableParallelism());
      expect(hogs.stats().every((stat) => stat.spins > 0)).toBe(true);
    } finally {
      await hogs.stop();
    }
    expect(journal.entries().map((entry) => [entry.fault, entry.outcome])).toEqual([
      ["cpu-hogs", "started"],
      ["cpu-hogs", "stopped"],
    ]);
    expect(journal.entries()[0]?.detail).toEqual({ workers: availableParallelism() });
  });
});

describe("startCpuHogs: stopping", () => {
  it("stop() ends every hog, and no hog spins afterwards", async () => {
    const hogs = startCpuHogs({ workers: 3 });
    await until(() => hogs.stats().every((stat) => stat.spins > 0), "every hog spun");
    await hogs.stop();
    expect(hogs.running).toBe(0);
    const after = hogs.stats();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hogs.stats()).toEqual(after);
  });

  it("ends by itself after durationMs", async () => {
    const hogs = startCpuHogs({ workers: 2, durationMs: 200 });
    await hogs.done;
    expect(hogs.running).toBe(0);
    expect(hogs.stats().every((stat) => stat.spins > 0)).toBe(true);
  });
});

describe("startCpuHogs: validation", () => {
  it("refuses a bad worker count or duration, naming the field", () => {
    expect(() => startCpuHogs({ workers: 0, durationMs: 1.5 })).toThrow(
      new TypeError(
        "Invalid startCpuHogs options: workers: must be a whole number of threads above 0; durationMs: must be a whole number of ms above 0. Please fix the fields named.",
      ),
    );
  });
});
