import { describe, expect, it } from "vitest";
import { randomIntBetween, seededRandom, systemRandom } from "./random.js";

describe("seeded random", () => {
  it("gives the same sequence for the same seed and a different one for another", () => {
    const take = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
  });

  it("stays within [0, 1)", () => {
    for (const random of [seededRandom(1), systemRandom]) {
      for (let i = 0; i < 1000; i++) {
        const value = random.next();
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(1);
      }
    }
  });

  it("draws integers within inclusive bounds, reaching both ends", () => {
    const random = seededRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(randomIntBetween(random, 2, 5));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });
});
