import type { Random } from "../ports/index.js";
import { randomIntBetween } from "../ports/index.js";

export interface BackoffOptions {
  /** The ceiling of the first retry's wait, in milliseconds. */
  readonly baseDelayMs: number;
  /** No wait is ever longer than this, in milliseconds. */
  readonly maxDelayMs: number;
}

/**
 * AWS "full jitter" (Brooker, 2015): a whole number of milliseconds drawn
 * uniformly from `[0, min(maxDelayMs, baseDelayMs · 2^(attempt-1))]`, where
 * `attempt` is the number of the attempt that just failed, starting at 1.
 *
 * Full jitter spreads clients that failed together over the whole window, so
 * they do not come back in lock-step; in Brooker's simulation it does the
 * least total work of the jitter schemes.
 */
export function fullJitterDelay(attempt: number, options: BackoffOptions, random: Random): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`fullJitterDelay: \`attempt\` must be an integer >= 1, got ${attempt}.`);
  }
  const { baseDelayMs, maxDelayMs } = options;
  if (!(Number.isFinite(baseDelayMs) && baseDelayMs >= 0)) {
    throw new RangeError(`fullJitterDelay: \`baseDelayMs\` must be >= 0, got ${baseDelayMs}.`);
  }
  if (!(Number.isFinite(maxDelayMs) && maxDelayMs >= 0)) {
    throw new RangeError(`fullJitterDelay: \`maxDelayMs\` must be >= 0, got ${maxDelayMs}.`);
  }
  // base · 2^(attempt-1) overflows to Infinity for large attempts; with a zero
  // base that would be 0 · Infinity = NaN, hence the explicit zero case.
  const ceiling = baseDelayMs === 0 ? 0 : Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return randomIntBetween(random, 0, Math.floor(ceiling));
}
