import { describe, expect, it } from "vitest";
import type { Random } from "../ports/index.js";
import { seededRandom } from "../ports/index.js";
import { fullJitterDelay } from "./backoff.js";

const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000 };
const lowest: Random = { next: () => 0 };
const highest: Random = { next: () => 1 - 2 ** -53 };

describe("full-jitter delay bounds", () => {
  it("draws whole milliseconds within [0, base·2^(attempt-1)] for every attempt below the cap", () => {
    const random = seededRandom(7);
    for (let attempt = 1; attempt <= 6; attempt++) {
      const ceiling = 1_000 * 2 ** (attempt - 1);
      const samples = Array.from({ length: 5_000 }, () => fullJitterDelay(attempt, policy, random));
      expect(samples.every(Number.isInteger)).toBe(true);
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...samples)).toBeLessThanOrEqual(ceiling);
      // Uniform over the window: the mean sits at half the ceiling (±3 %), and
      // both the bottom and the top tenth of the window are reached.
      const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
      expect(Math.abs(mean / ceiling - 0.5)).toBeLessThan(0.03);
      expect(samples.some((value) => value < ceiling * 0.1)).toBe(true);
      expect(samples.some((value) => value > ceiling * 0.9)).toBe(true);
    }
  });

  it("reaches exactly 0 and exactly the ceiling at the ends of the random range", () => {
    expect(fullJitterDelay(1, policy, lowest)).toBe(0);
    expect(fullJitterDelay(1, policy, highest)).toBe(1_000);
    expect(fullJitterDelay(3, policy, highest)).toBe(4_000);
  });

  it("gives the same delays for the same seed", () => {
    const first = seededRandom(42);
    const second = seededRandom(42);
    const a = [1, 2, 3, 4, 5].map((attempt) => fullJitterDelay(attempt, policy, first));
    const b = [1, 2, 3, 4, 5].map((attempt) => fullJitterDelay(attempt, policy, second));
    expect(a).toEqual([1_000, 1_752, 156, 5_136, 491]);
    expect(b).toEqual(a);
  });
});

describe("full-jitter delay cap", () => {
  it("never exceeds maxDelayMs once the exponential passes it", () => {
    // 1 000 · 2^6 = 64 000 > 60 000: attempt 7 is the first one capped.
    expect(fullJitterDelay(6, policy, highest)).toBe(32_000);
    expect(fullJitterDelay(7, policy, highest)).toBe(60_000);
    expect(fullJitterDelay(40, policy, highest)).toBe(60_000);
    const random = seededRandom(3);
    const samples = Array.from({ length: 2_000 }, () => fullJitterDelay(12, policy, random));
    expect(Math.max(...samples)).toBeLessThanOrEqual(60_000);
    expect(samples.some((value) => value > 54_000)).toBe(true);
  });

  it("stays finite for attempts where 2^(attempt-1) overflows, and is 0 for a zero base", () => {
    expect(fullJitterDelay(2_000, policy, highest)).toBe(60_000);
    expect(fullJitterDelay(2_000, { baseDelayMs: 0, maxDelayMs: 60_000 }, highest)).toBe(0);
  });

  it("refuses an attempt number that is not a whole number from 1", () => {
    expect(() => fullJitterDelay(0, policy, lowest)).toThrow(
      new RangeError("fullJitterDelay: `attempt` must be an integer >= 1, got 0."),
    );
    expect(() => fullJitterDelay(1.5, policy, lowest)).toThrow(
      new RangeError("fullJitterDelay: `attempt` must be an integer >= 1, got 1.5."),
    );
    expect(() => fullJitterDelay(1, { baseDelayMs: -1, maxDelayMs: 10 }, lowest)).toThrow(
      new RangeError("fullJitterDelay: `baseDelayMs` must be >= 0, got -1."),
    );
  });
});
