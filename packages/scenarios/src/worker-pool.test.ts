import { describe, expect, it } from "vitest";
import { runInWorkers } from "./worker-pool.js";

describe("worker pool", () => {
  it("runs cases in worker processes and returns results in case order", async () => {
    const seen: string[] = [];
    const rss: number[] = [];
    const results = await runInWorkers(
      [
        { scenario: "engine/no-fault-baseline", seed: 1 },
        { scenario: "engine/ghost-writes", seed: 2 },
        { scenario: "engine/no-fault-baseline", seed: 3 },
      ],
      {
        workers: 2,
        onCase: (result) => seen.push(`${result.scenario}#${result.seed}`),
        onWorkerRss: (bytes) => rss.push(bytes),
      },
    );
    // One peak per result, each a real resident set (a Node process holds tens of MiB).
    expect(rss).toHaveLength(3);
    expect(rss.every((bytes) => Number.isInteger(bytes) && bytes > 20 * 1024 * 1024)).toBe(true);
    expect(results.map((r) => [r.scenario, r.seed, r.ok])).toEqual([
      ["engine/no-fault-baseline", 1, true],
      ["engine/ghost-writes", 2, true],
      ["engine/no-fault-baseline", 3, true],
    ]);
    expect(seen.sort()).toEqual([
      "engine/ghost-writes#2",
      "engine/no-fault-baseline#1",
      "engine/no-fault-baseline#3",
    ]);
  }, 60_000);

  it("fails a case it cannot run with the reason and the replay command, and goes on", async () => {
    const [unknown, known] = await runInWorkers(
      [
        { scenario: "engine/no-such-scenario", seed: 1 },
        { scenario: "engine/no-fault-baseline", seed: 1 },
      ],
      { workers: 1 },
    );
    expect(unknown?.ok).toBe(false);
    expect(unknown?.crash).toMatch(
      /^the case threw: Error: Unknown scenario engine\/no-such-scenario/,
    );
    expect(unknown?.replay).toBe(
      "pnpm exec workflowmaster-chaos replay engine/no-such-scenario --seed 1",
    );
    expect(known?.ok).toBe(true);
  }, 60_000);
});
