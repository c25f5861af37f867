import { describe, expect, it } from "vitest";
import { createSeededRandom } from "../../seed/seeded-random.js";
import { garbageBytes, prefixLengths, tornBytes } from "./torn-write.js";

describe("prefixLengths: where a torn write may stop", () => {
  it("gives 1, n/2 and n − 1 for ends", () => {
    expect(prefixLengths(10, "ends")).toEqual([1, 5, 9]);
    expect(prefixLengths(3, "ends")).toEqual([1, 2]);
    expect(prefixLengths(2, "ends")).toEqual([1]);
    expect(prefixLengths(1, "ends")).toEqual([]);
    expect(prefixLengths(0, "ends")).toEqual([]);
  });

  it("gives n/2 for half and every length for every-byte", () => {
    expect(prefixLengths(10, "half")).toEqual([5]);
    expect(prefixLengths(1, "half")).toEqual([]);
    expect(prefixLengths(5, "every-byte")).toEqual([1, 2, 3, 4]);
  });
});

describe("tornBytes: what lands instead of the data", () => {
  const data = new TextEncoder().encode("abcdef");

  it("lands a prefix, zeros of the same length, or the garbage drawn", () => {
    expect([...tornBytes(data, { kind: "prefix", length: 2 })]).toEqual([97, 98]);
    expect([...tornBytes(data, { kind: "zeros" })]).toEqual([0, 0, 0, 0, 0, 0]);
    const garbage = garbageBytes(createSeededRandom(4), 6);
    expect(tornBytes(data, { kind: "garbage", bytes: garbage })).toBe(garbage);
  });

  it("draws the same garbage from the same seed", () => {
    expect(garbageBytes(createSeededRandom(4), 16)).toEqual(
      garbageBytes(createSeededRandom(4), 16),
    );
    expect(garbageBytes(createSeededRandom(4), 16)).not.toEqual(
      garbageBytes(createSeededRandom(5), 16),
    );
  });
});
