import pRetry, { AbortError } from "p-retry";
import { z } from "zod";
import type { ErrorContext, WorkflowMasterError } from "../errors/index.js";
import { ErrorKind, isWorkflowMasterError, wfmError } from "../errors/index.js";
import type { Clock, Random } from "../ports/index.js";
import { fullJitterDelay } from "./backoff.js";
import { parseOptions } from "./parse-options.js";
import type { RetryBudget } from "./retry-budget.js";

/**
 * Defaults:
 * - `maxAttempts` 5: gRPC caps its retry policy at 5 attempts; with the
 *   delays below the four retries wait at most 1 + 2 + 4 + 8 = 15 s in all.
 * - `baseDelayMs` 1 000: GitHub asks for at least 1 s between writes, and
 *   Octokit's own first retry waits 1 s.
 * - `maxDelayMs` 60 000: GitHub's rule for a secondary limit without a hint
 *   is "wait at least 60 s"; no unhinted wait need be longer.
 * - `deadlineMs` 600 000: one step keeps retrying for at most 10 min of
 *   clock time; after that the run is saved and paused, not spun.
 * - `maxServerWaitMs` 3 660 000: the primary rate-limit window is one hour,
 *   and clients add a second past the reset (as Octokit does), so any honest
 *   `retry-after` or `x-ratelimit-reset` fits with a minute to spare; a longer ask is
 *   not waited out. A hinted wait must also fit before the deadline, so a
 *   step that should sit out a full rate-limit window needs a `deadlineMs`
 *   above one hour.
 */
export const RETRY_DEFAULTS = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  deadlineMs: 600_000,
  maxServerWaitMs: 3_660_000,
} as const;

const retryPolicySchema = z.strictObject({
  /** Attempts in all, the first included. */
  maxAttempts: z.int().min(1).default(RETRY_DEFAULTS.maxAttempts),
  /** Ceiling of the first backoff wait (full jitter, doubling per attempt). */
  baseDelayMs: z.int().min(0).default(RETRY_DEFAULTS.baseDelayMs),
  /** Cap on a backoff wait. Server-requested waits are not capped by it. */
  maxDelayMs: z.int().min(0).default(RETRY_DEFAULTS.maxDelayMs),
  /** Per-step deadline on the injected clock, from the first attempt's start. */
  deadlineMs: z.int().min(1).default(RETRY_DEFAULTS.deadlineMs),
  /** Longest server-requested wait (`retry-after`, rate-limit reset) accepted. */
  maxServerWaitMs: z.int().min(0).default(RETRY_DEFAULTS.maxServerWaitMs),
});

/** Serialisable retry options; every field has a default (`RETRY_DEFAULTS`). */
export type RetryPolicy = z.output<typeof retryPolicySchema>;

/** Fills defaults and validates; a bad field is named in the thrown `TypeError`. */
export function parseRetryPolicy(partial: unknown = {}): RetryPolicy {
  return parseOptions(retryPolicySchema, partial, "retry policy");
}

export interface RetryInfo {
  /** The attempt that just failed, starting at 1. */
  readonly attempt: number;
  /** How long the policy will now wait before the next attempt. */
  readonly delayMs: number;
  /** Why the attempt failed. */
  readonly error: WorkflowMasterError;
  /** True when the wait is the server's (`retry-after`, rate-limit reset), not backoff. */
  readonly serverHinted: boolean;
}

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  clock: Clock;
  random: Random;
  /** Maps anything thrown to a WorkflowMasterError (the errors module's `classify`). */
  classify: (error: unknown) => WorkflowMasterError;
  /** Shared across calls so an outage on `target` cannot become a retry storm. */
  budget?: RetryBudget;
  /** The budget's key: a host or service ("api.github.com"). Required with `budget`. */
  target?: string;
  /** Aborting stops a wait at once; the abort reason is thrown, classified. */
  signal?: AbortSignal;
  /** Awaited before each wait; the engine journals and emits `phase.retrying` here. */
  onRetry?: (info: RetryInfo) => void | Promise<void>;
  /** Fills the guidance of the errors `retry` raises itself (`runId`, `phase`). */
  context?: ErrorContext;
}

/**
 * Codes that are transient yet never retried here: a bug is not made better
 * by retrying, a nested `retry` has already spent its attempts (retrying it
 * would multiply them), and an interruption means "stop".
 */
const NEVER_RETRIED: ReadonlySet<string> = new Set([
  "WFM-INTERNAL",
  "WFM-RETRY-EXHAUSTED",
  "WFM-RETRY-BUDGET-EXHAUSTED",
  "WFM-INTERRUPTED",
]);

/**
 * Runs `operation` until it succeeds or the policy says stop. Only errors
 * whose classified kind is `transient` are retried; everything else is thrown
 * at once, classified. Each wait is full-jitter backoff, or exactly the
 * server's requested wait when the error carries `retryAfterMs`, and always
 * goes through `clock.sleep`, so a one-hour rate-limit wait costs no real
 * time under a virtual clock.
 *
 * p-retry drives the attempts. It would sleep with its own `setTimeout`, so
 * it is given zero timeouts (p-retry 7.1.1 skips its timer when the delay is
 * 0) and no `maxRetryTime` (it reads `performance.now()`); the decision and
 * the wait happen in `onFailedAttempt`, which p-retry awaits before the next
 * attempt. p-retry calls `onFailedAttempt` before `shouldRetry`, and the wait
 * must follow the decision, so the decision lives there too and stops the
 * loop by throwing, which p-retry documents as ending the retries with that
 * error.
 */
export async function retry<T>(
  operation: (attempt: { attempt: number; signal: AbortSignal }) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const policy = parseRetryPolicy(options.policy ?? {});
  const { clock, random, budget, onRetry } = options;
  if (budget !== undefined && (options.target === undefined || options.target === "")) {
    throw new TypeError("retry: `target` is required when `budget` is given.");
  }
  const target = options.target ?? "";
  const signal = options.signal ?? new AbortController().signal;
  const startedAt = clock.now();
  const deadline = startedAt + policy.deadlineMs;

  const classify = (error: unknown): WorkflowMasterError => {
    let classified: unknown;
    try {
      classified = options.classify(error);
    } catch (classifyError) {
      return wfmError("WFM-INTERNAL", {
        message: `classify() threw while classifying a failure: ${summarise(classifyError)}`,
        context: { ...options.context, detail: "error in classify()" },
        cause: new AggregateError([classifyError, error], "classify() threw"),
      });
    }
    if (isWorkflowMasterError(classified)) return classified;
    return wfmError("WFM-INTERNAL", {
      message: `classify() returned something other than a WorkflowMasterError for: ${summarise(error)}`,
      context: { ...options.context, detail: "result from classify()" },
      cause: error,
    });
  };
  const abortReason = () => classify(signal.reason);

  const exhausted = (
    attempts: number,
    why: string,
    last: WorkflowMasterError,
    retryAfterMs?: number,
  ) =>
    wfmError("WFM-RETRY-EXHAUSTED", {
      message: `Gave up after ${plural(attempts, "attempt")} over ${seconds(clock.now() - startedAt)} (${why}); last: ${last.code}: ${last.message}`,
      context: { target, ...options.context, detail: `${last.code}: ${last.message}` },
      cause: last,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });

  return pRetry(
    async (attempt) => {
      if (signal.aborted) throw new AbortError(abortReason());
      let value: T;
      try {
        value = await operation({ attempt, signal });
      } catch (error) {
        // An attempt that failed because we were aborted ends the loop with
        // the abort reason, not with whatever the operation made of it.
        if (signal.aborted) throw new AbortError(abortReason());
        throw classify(error);
      }
      budget?.recordSuccess(target);
      return value;
    },
    {
      retries: policy.maxAttempts - 1,
      minTimeout: 0,
      maxTimeout: 0,
      randomize: false,
      onFailedAttempt: async ({ error, attemptNumber: attempt }) => {
        const last = isWorkflowMasterError(error) ? error : classify(error);
        if (last.kind !== ErrorKind.Transient || NEVER_RETRIED.has(last.code)) throw last;
        if (attempt >= policy.maxAttempts) {
          throw exhausted(attempt, `maxAttempts ${policy.maxAttempts} reached`, last);
        }

        const serverHinted = last.retryAfterMs !== undefined;
        let delayMs: number;
        if (last.retryAfterMs !== undefined) {
          delayMs = Math.max(0, Math.ceil(last.retryAfterMs));
          if (delayMs > policy.maxServerWaitMs) {
            throw exhausted(
              attempt,
              `the server asked to wait ${seconds(delayMs)}, more than maxServerWaitMs ${seconds(policy.maxServerWaitMs)}`,
              last,
              delayMs,
            );
          }
        } else {
          delayMs = fullJitterDelay(attempt, policy, random);
        }
        if (clock.now() + delayMs >= deadline) {
          throw exhausted(
            attempt,
            `waiting ${seconds(delayMs)} more would pass the ${seconds(policy.deadlineMs)} deadline`,
            last,
            serverHinted ? delayMs : undefined,
          );
        }

        // A server-requested wait spends no budget: waiting is exactly what
        // the server asked for, and honouring it is the back-pressure the
        // budget exists to provide. Only our own guesses (backoff) are paid.
        if (!serverHinted && budget !== undefined && !budget.tryAcquire(target)) {
          throw wfmError("WFM-RETRY-BUDGET-EXHAUSTED", {
            message: `Stopped retrying ${target} after ${plural(attempt, "attempt")} over ${seconds(clock.now() - startedAt)}: its retry budget is spent; last: ${last.code}: ${last.message}`,
            context: { ...options.context, target, detail: `${last.code}: ${last.message}` },
            cause: last,
          });
        }

        try {
          await onRetry?.({ attempt, delayMs, error: last, serverHinted });
        } catch (error) {
          throw classify(error);
        }
        if (signal.aborted) throw abortReason();
        try {
          await clock.sleep(delayMs, signal);
        } catch (error) {
          throw signal.aborted ? abortReason() : classify(error);
        }
      },
    },
  );
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function summarise(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return String(value);
}
