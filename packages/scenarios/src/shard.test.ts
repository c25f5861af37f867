import { describe, expect, it } from "vitest";
import { parseShard, selectShard } from "./shard.js";

describe("sharding", () => {
  it("splits cases so every case runs in exactly one shard", () => {
    const cases = Array.from({ length: 10 }, (_, i) => i);
    const shards = [1, 2, 3].map((index) => selectShard(cases, { index, count: 3 }));
    expect(shards).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    expect(shards.flat().sort((a, b) => a - b)).toEqual(cases);
  });

  it("refuses a shard that is not I/N within range", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["0/2", "3/2", "2", "a/b", "1/0"]) {
      expect(() => parseShard(bad)).toThrow(
        `--shard must be I/N with 1 ≤ I ≤ N (e.g. 2/4), got "${bad}".`,
      );
    }
  });
});
