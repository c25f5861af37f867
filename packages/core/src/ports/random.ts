import { randomInt } from "node:crypto";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** Randomness, injected, so one seed can replay a whole run. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}

/** An integer in [min, max], inclusive. */
export function randomIntBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random.next() * (max - min + 1));
}

export const systemRandom: Random = {
  // randomInt needs max - min < 2^48.
  next: () => randomInt(0, 2 ** 48 - 1) / 2 ** 48,
};

/** A reproducible stream from a 32-bit seed (xoroshiro128+, via pure-rand). */
export function seededRandom(seed: number): Random {
  const generator = xoroshiro128plus(seed);
  return { next: () => uniformFloat64(generator) };
}
