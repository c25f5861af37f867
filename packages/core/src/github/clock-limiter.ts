import type { Clock } from "../ports/index.js";

/**
 * The part of Bottleneck that @octokit/plugin-throttling 11 calls, on the
 * injected Clock. The plugin routes each request through its limiters
 * (`global`, `write`, `notifications`, `search`, `auth`) with
 * `group.key(id).schedule(jobOptions, fn, ...args)`, and through a
 * `retryLimiter` whose `"failed"` listeners decide on rate-limit retries.
 * Real Bottleneck times all of that with `setTimeout`; this shim does every
 * wait with `clock.sleep`, so a virtual clock runs it without real time.
 *
 * Job options (priority, weight, expiration) are accepted and ignored:
 * jobs start in arrival order, which is what a serial workflow needs.
 */
export interface ClockLimiterOptions {
  clock: Clock;
  /** Jobs running at once. */
  maxConcurrent: number;
  /** Least time between two job starts, in ms. */
  minTimeMs: number;
}

type Job = (...args: never[]) => unknown;

export interface ClockLimiter {
  schedule<R>(...args: unknown[]): Promise<R>;
}

/** Bottleneck.Group: one limiter per key. A client has its own groups, so keys rarely differ. */
export interface ClockLimiterGroup {
  key(id?: string): ClockLimiter;
}

export type FailedListener = (
  error: unknown,
  info: { args: unknown[]; retryCount: number },
) => unknown;

/** The plugin's `retryLimiter`: runs a job and asks the `"failed"` listeners whether to retry. */
export interface ClockRetryLimiter extends ClockLimiter {
  on(event: string, listener: FailedListener): void;
}

/** Splits Bottleneck's `schedule([options], fn, ...args)`. */
function jobOf(args: readonly unknown[]): { fn: Job; rest: unknown[] } {
  const [first, second, ...others] = args;
  if (typeof first === "function") {
    return { fn: first as Job, rest: second === undefined ? others : [second, ...others] };
  }
  if (typeof second !== "function") {
    throw new TypeError("schedule() needs a job function, optionally after a job-options object.");
  }
  return { fn: second as Job, rest: others };
}

export function createClockLimiter(options: ClockLimiterOptions): ClockLimiter {
  const { clock, maxConcurrent, minTimeMs } = options;
  if (!(Number.isInteger(maxConcurrent) && maxConcurrent >= 1)) {
    throw new RangeError(
      `createClockLimiter: \`maxConcurrent\` must be an integer >= 1, got ${maxConcurrent}.`,
    );
  }
  if (!(Number.isFinite(minTimeMs) && minTimeMs >= 0)) {
    throw new RangeError(`createClockLimiter: \`minTimeMs\` must be >= 0, got ${minTimeMs}.`);
  }
  let running = 0;
  let lastStart: number | undefined;
  const slotWaiters: Array<() => void> = [];
  // Admissions are serialised, so jobs start in arrival order and the
  // spacing is measured from the previous start.
  let admissions: Promise<void> = Promise.resolve();

  const admit = async () => {
    while (running >= maxConcurrent) {
      await new Promise<void>((resolve) => slotWaiters.push(resolve));
    }
    if (lastStart !== undefined) {
      const waitMs = lastStart + minTimeMs - clock.now();
      if (waitMs > 0) await clock.sleep(waitMs);
    }
    lastStart = clock.now();
    running += 1;
  };

  const release = () => {
    running -= 1;
    slotWaiters.shift()?.();
  };

  return {
    async schedule<R>(...args: unknown[]): Promise<R> {
      const { fn, rest } = jobOf(args);
      const admitted = admissions.then(admit);
      // The next admission waits for this one to finish, whatever its outcome;
      // its own failure (a rejected sleep) is still thrown to its caller below.
      admissions = admitted.then(
        () => undefined,
        () => undefined,
      );
      await admitted;
      try {
        return (await fn(...(rest as never[]))) as R;
      } finally {
        release();
      }
    },
  };
}

export function createClockLimiterGroup(options: ClockLimiterOptions): ClockLimiterGroup {
  const limiters = new Map<string, ClockLimiter>();
  return {
    key(id = "") {
      let limiter = limiters.get(id);
      if (limiter === undefined) {
        limiter = createClockLimiter(options);
        limiters.set(id, limiter);
      }
      return limiter;
    },
  };
}

/**
 * Runs each job at once; when it fails, awaits every `"failed"` listener in
 * turn, and if one returns a delay (Bottleneck's "retry after n ms"), sleeps
 * that long on the clock and runs the job again. A listener that throws is
 * reported to `onListenerError` and the job's own error is thrown.
 */
export function createClockRetryLimiter(
  clock: Clock,
  onListenerError: (error: unknown) => void,
): ClockRetryLimiter {
  const listeners: FailedListener[] = [];
  return {
    on(event, listener) {
      if (event === "failed") listeners.push(listener);
    },
    async schedule<R>(...args: unknown[]): Promise<R> {
      const { fn, rest } = jobOf(args);
      for (let retryCount = 0; ; retryCount += 1) {
        try {
          return (await fn(...(rest as never[]))) as R;
        } catch (error) {
          let delayMs: number | undefined;
          for (const listener of listeners) {
            try {
              const answer = await listener(error, { args: rest, retryCount });
              if (typeof answer === "number" && Number.isFinite(answer)) delayMs = answer;
            } catch (listenerError) {
              onListenerError(listenerError);
            }
          }
          if (delayMs === undefined) throw error;
          await clock.sleep(Math.max(0, delayMs));
        }
      }
    },
  };
}
