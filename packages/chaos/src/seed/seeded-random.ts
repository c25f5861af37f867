import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { Random } from "./random.js";

/** A reproducible random stream: structurally a core `Random`, with helpers. */
export interface SeededRandom extends Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p` (0 never, 1 always). */
  chance(p: number): boolean;
}

/**
 * A stream from a 32-bit seed: xoroshiro128+ (via pure-rand) whose 128-bit
 * state is expanded from the seed with splitmix32. pure-rand's own
 * `xoroshiro128plus(seed)` puts the seed into the state almost verbatim (its
 * first output is `~seed`), so neighbouring seeds would start alike.
 */
export function createSeededRandom(seed: number): SeededRandom {
  if (!Number.isInteger(seed)) {
    throw new TypeError(`createSeededRandom(seed) needs an integer seed, got ${String(seed)}.`);
  }
  const generator = xoroshiro128plusFromState(expandSeed(seed));
  return {
    next: () => uniformFloat64(generator),
    int(min, max) {
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
        throw new RangeError(
          `int(min, max) needs safe integers with min <= max, got min=${min} max=${max}.`,
        );
      }
      return uniformInt(generator, min, max);
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError("pick(items) needs at least one item.");
      // The index is in range by construction; the check satisfies noUncheckedIndexedAccess.
      const index = uniformInt(generator, 0, items.length - 1);
      return items[index] as T;
    },
    chance(p) {
      if (!(p >= 0 && p <= 1)) {
        throw new RangeError(`chance(p) needs 0 <= p <= 1, got ${String(p)}.`);
      }
      return uniformFloat64(generator) < p;
    },
  };
}

function expandSeed(seed: number): number[] {
  let a = seed | 0;
  const splitmix32 = () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) | 0;
  };
  const state: number[] = [splitmix32(), splitmix32(), splitmix32(), splitmix32()];
  // xoroshiro's all-zero state is a fixed point that only ever yields zero.
  if (!state.some((word) => word !== 0)) state[0] = 1;
  return state;
}
