import { z } from "zod";
import type { Clock } from "../ports/index.js";
import { parseOptions } from "./parse-options.js";

/**
 * Defaults, chosen for a workflow engine that makes tens of calls per run to
 * a handful of targets (the GitHub API, a git remote):
 *
 * - `capacity` 20 with `retryCost` 5: a full bucket pays for 4 retries, i.e.
 *   exactly one call's worth at the default `maxAttempts` 5. A blip is
 *   ridden out; a total outage drains the bucket within the first failing
 *   call, and from then on each call makes one attempt and fails fast
 *   (AWS SDK "standard" mode: cost 5, stop when the bucket cannot pay).
 * - `successRefund` 1: five successes earn one retry, so in steady state
 *   retries stay at or below 20 % of successful calls (Finagle's default
 *   `percentCanRetry`; AWS's `NO_RETRY_INCREMENT` is also 1).
 * - `refillEveryMs` 10 000: one token back every 10 s (a retry every 50 s
 *   when nothing succeeds), so a target that was down becomes retryable
 *   again after a quiet spell even with no traffic to earn refunds — a
 *   slow floor like Finagle's `minRetriesPerSec`, but far slower, because a
 *   workflow that is refused pauses and persists rather than failing.
 */
export const RETRY_BUDGET_DEFAULTS = {
  capacity: 20,
  retryCost: 5,
  successRefund: 1,
  refillEveryMs: 10_000,
} as const;

const retryBudgetOptionsSchema = z
  .strictObject({
    /** Most tokens a target's bucket holds; a new target starts full. */
    capacity: z.int().min(1).default(RETRY_BUDGET_DEFAULTS.capacity),
    /** Tokens one retry takes. */
    retryCost: z.int().min(1).default(RETRY_BUDGET_DEFAULTS.retryCost),
    /** Tokens one successful call gives back. */
    successRefund: z.int().min(0).default(RETRY_BUDGET_DEFAULTS.successRefund),
    /** One token comes back every this many ms of clock time; 0 turns refill off. */
    refillEveryMs: z.int().min(0).default(RETRY_BUDGET_DEFAULTS.refillEveryMs),
  })
  .refine((options) => options.retryCost <= options.capacity, {
    path: ["retryCost"],
    message: "must not exceed `capacity`, or no retry could ever be paid for",
  });

export type RetryBudgetOptions = z.output<typeof retryBudgetOptionsSchema>;

/**
 * A token bucket per target (a host, an API): retries spend tokens,
 * successes and time earn them back. When the bucket cannot pay, the caller
 * stops retrying at once, so an outage cannot become a retry storm.
 */
export interface RetryBudget {
  /** Takes `retryCost` tokens and returns true, or returns false and takes nothing. */
  tryAcquire(target: string): boolean;
  /** Gives back `successRefund` tokens, up to `capacity`. */
  recordSuccess(target: string): void;
  /** Tokens the target's bucket holds now (refill included). */
  tokens(target: string): number;
}

interface Bucket {
  tokens: number;
  /** Clock time up to which refill has been credited. */
  creditedUntil: number;
}

export function parseRetryBudgetOptions(input: unknown = {}): RetryBudgetOptions {
  return parseOptions(retryBudgetOptionsSchema, input, "retry budget options");
}

export function createRetryBudget(
  options: Partial<RetryBudgetOptions> = {},
  clock: Clock,
): RetryBudget {
  const { capacity, retryCost, successRefund, refillEveryMs } = parseRetryBudgetOptions(options);
  const buckets = new Map<string, Bucket>();

  // Refill is computed lazily from the clock, in whole tokens, carrying the
  // unused remainder of time so integer options give exact integer tokens.
  const bucketOf = (target: string): Bucket => {
    const now = clock.now();
    let bucket = buckets.get(target);
    if (bucket === undefined) {
      bucket = { tokens: capacity, creditedUntil: now };
      buckets.set(target, bucket);
      return bucket;
    }
    if (refillEveryMs > 0 && now > bucket.creditedUntil) {
      const earned = Math.floor((now - bucket.creditedUntil) / refillEveryMs);
      bucket.tokens = Math.min(capacity, bucket.tokens + earned);
      bucket.creditedUntil += earned * refillEveryMs;
    }
    // A full bucket banks no time, and a clock that stepped back restarts
    // the refill from now rather than waiting for it to catch up.
    if (bucket.tokens >= capacity || now < bucket.creditedUntil) bucket.creditedUntil = now;
    return bucket;
  };

  return {
    tryAcquire(target) {
      const bucket = bucketOf(target);
      if (bucket.tokens < retryCost) return false;
      bucket.tokens -= retryCost;
      return true;
    },
    recordSuccess(target) {
      const bucket = bucketOf(target);
      bucket.tokens = Math.min(capacity, bucket.tokens + successRefund);
      if (bucket.tokens >= capacity) bucket.creditedUntil = clock.now();
    },
    tokens(target) {
      return bucketOf(target).tokens;
    },
  };
}
