import { describe, expect, it } from "vitest";
import { createSeededRandom } from "./seeded-random.js";

const draw = (seed: number, count: number) => {
  const random = createSeededRandom(seed);
  return Array.from({ length: count }, () => random.next());
};

describe("createSeededRandom: reproducibility", () => {
  it("gives the same sequence for the same seed", () => {
    expect(draw(7, 50)).toEqual(draw(7, 50));
  });

  it("gives different sequences for neighbouring seeds", () => {
    const a = draw(7, 20);
    const b = draw(8, 20);
    expect(a.filter((value) => b.includes(value))).toEqual([]);
  });
});

describe("createSeededRandom: next", () => {
  it("stays in [0, 1) with a mean near one half over 10,000 draws", () => {
    const values = draw(123, 10_000);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });
});

describe("createSeededRandom: int", () => {
  it("returns every integer of an inclusive range and nothing outside it", () => {
    const random = createSeededRandom(5);
    const seen = new Set<number>();
    for (let i = 0; i < 600; i++) seen.add(random.int(1, 6));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("returns the only value of a one-value range", () => {
    expect(createSeededRandom(5).int(4, 4)).toBe(4);
  });

  it("refuses a reversed or fractional range", () => {
    const random = createSeededRandom(5);
    expect(() => random.int(3, 2)).toThrow(
      new RangeError("int(min, max) needs safe integers with min <= max, got min=3 max=2."),
    );
    expect(() => random.int(0, 1.5)).toThrow(RangeError);
  });
});

describe("createSeededRandom: pick", () => {
  it("picks every item of a list over enough draws", () => {
    const random = createSeededRandom(9);
    const items = ["a", "b", "c"] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(random.pick(items));
    expect([...seen].sort()).toEqual(["a", "b", "c"]);
  });

  it("refuses an empty list", () => {
    expect(() => createSeededRandom(9).pick([])).toThrow(
      new RangeError("pick(items) needs at least one item."),
    );
  });
});

describe("createSeededRandom: chance", () => {
  it("is never true at 0 and always true at 1", () => {
    const random = createSeededRandom(11);
    const never = Array.from({ length: 1000 }, () => random.chance(0));
    const always = Array.from({ length: 1000 }, () => random.chance(1));
    expect(never.filter(Boolean).length).toBe(0);
    expect(always.filter(Boolean).length).toBe(1000);
  });

  it("is true about as often as p says over 10,000 draws", () => {
    const random = createSeededRandom(11);
    const hits = Array.from({ length: 10_000 }, () => random.chance(0.3)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(2800);
    expect(hits).toBeLessThan(3200);
  });

  it("refuses a probability outside [0, 1]", () => {
    expect(() => createSeededRandom(11).chance(1.5)).toThrow(
      new RangeError("chance(p) needs 0 <= p <= 1, got 1.5."),
    );
    expect(() => createSeededRandom(11).chance(Number.NaN)).toThrow(RangeError);
  });
});

describe("createSeededRandom: seed validation", () => {
  it("refuses a non-integer seed", () => {
    expect(() => createSeededRandom(1.5)).toThrow(
      new TypeError("createSeededRandom(seed) needs an integer seed, got 1.5."),
    );
  });
});
