import { describe, expect, it } from "vitest";
import type { ErrorKind } from "../errors/index.js";
import { isWorkflowMasterError, WorkflowMasterError, wfmError } from "../errors/index.js";
import { createVirtualClock, seededRandom } from "../ports/index.js";
import { fullJitterDelay } from "./backoff.js";
import { createRetryBudget } from "./retry-budget.js";
import type { RetryInfo } from "./retry-policy.js";
import { parseRetryPolicy, RETRY_DEFAULTS, retry } from "./retry-policy.js";

/** A failure the fake classifier maps to a chosen kind (and server hint). */
class TestFailure extends Error {
  constructor(
    readonly failureKind: ErrorKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "TestFailure";
  }
}

/** Stands in for the errors module's classify(). */
function classify(error: unknown): WorkflowMasterError {
  if (isWorkflowMasterError(error)) return error;
  if (error instanceof TestFailure) {
    return new WorkflowMasterError({
      code: `WFM-TEST-${error.failureKind.toUpperCase()}`,
      kind: error.failureKind,
      message: error.message,
      guidance: "Test guidance.",
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      cause: error,
    });
  }
  if (error instanceof DOMException && error.name === "AbortError") {
    return wfmError("WFM-INTERRUPTED", { message: `Interrupted: ${error.message}`, cause: error });
  }
  const name = error instanceof Error ? error.name : typeof error;
  return wfmError("WFM-INTERNAL", {
    message: `Unexpected ${name}: ${String(error)}`,
    context: { detail: name },
    cause: error,
  });
}

const unavailable = () => new TestFailure("transient", "Service unavailable (503)");
const rateLimited = (ms: number) => new TestFailure("transient", "API rate limit exceeded", ms);

/**
 * An operation that throws `failures[i]` on call i+1 and then succeeds,
 * recording the virtual time each attempt started at.
 */
function scripted(clock: { now(): number }, failures: readonly unknown[]) {
  const started = clock.now();
  const startedAt: number[] = [];
  const operation = async ({ attempt }: { attempt: number; signal: AbortSignal }) => {
    startedAt.push(clock.now() - started);
    expect(attempt).toBe(startedAt.length);
    if (attempt <= failures.length) throw failures[attempt - 1];
    return "done";
  };
  return { operation, startedAt };
}

async function rejection(promise: Promise<unknown>): Promise<WorkflowMasterError> {
  const outcome = await promise.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error("expected the promise to reject, but it resolved");
  expect(isWorkflowMasterError(outcome.error)).toBe(true);
  return outcome.error as WorkflowMasterError;
}

describe("retry policy options", () => {
  it("fills every default", () => {
    expect(parseRetryPolicy()).toEqual(RETRY_DEFAULTS);
    expect(RETRY_DEFAULTS).toEqual({
      maxAttempts: 5,
      baseDelayMs: 1_000,
      maxDelayMs: 60_000,
      deadlineMs: 600_000,
      maxServerWaitMs: 3_660_000,
    });
  });

  it("keeps the fields given and defaults the rest", () => {
    expect(parseRetryPolicy({ maxAttempts: 3, deadlineMs: 30_000 })).toEqual({
      ...RETRY_DEFAULTS,
      maxAttempts: 3,
      deadlineMs: 30_000,
    });
  });

  it("refuses bad fields with a message naming each one", () => {
    expect(() => parseRetryPolicy({ maxAttempts: 0 })).toThrow(
      new TypeError("Invalid retry policy: `maxAttempts`: Too small: expected number to be >=1."),
    );
    expect(() => parseRetryPolicy({ baseDelayMs: 1.5, deadlineMs: "10m" })).toThrow(
      new TypeError(
        "Invalid retry policy: `baseDelayMs`: Invalid input: expected int, received number; `deadlineMs`: Invalid input: expected number, received string.",
      ),
    );
    expect(() => parseRetryPolicy({ maxAttempt: 3 })).toThrow(
      new TypeError('Invalid retry policy: `(options)`: Unrecognized key: "maxAttempt".'),
    );
  });

  it("refuses bad policy in retry() before the first attempt", async () => {
    let calls = 0;
    const clock = createVirtualClock();
    await expect(
      retry(
        async () => {
          calls++;
          return 1;
        },
        { policy: { maxDelayMs: -1 }, clock, random: seededRandom(1), classify },
      ),
    ).rejects.toThrow(
      new TypeError("Invalid retry policy: `maxDelayMs`: Too small: expected number to be >=0."),
    );
    expect(calls).toBe(0);
  });
});

describe("retrying transient errors", () => {
  it("retries until success with the exact attempts and virtual waits for seed 42", async () => {
    const clock = createVirtualClock();
    const { operation, startedAt } = scripted(clock, [unavailable(), unavailable(), unavailable()]);
    const retries: RetryInfo[] = [];

    const value = await retry(operation, {
      clock,
      random: seededRandom(42),
      classify,
      onRetry: (info) => {
        retries.push(info);
      },
    });

    // The same seed drawn directly gives the same waits: 1 000, 1 752, 156 ms.
    const expected = seededRandom(42);
    const delays = [1, 2, 3].map((attempt) => fullJitterDelay(attempt, RETRY_DEFAULTS, expected));
    expect(delays).toEqual([1_000, 1_752, 156]);
    expect(value).toBe("done");
    expect(startedAt).toEqual([0, 1_000, 2_752, 2_908]);
    expect(clock.elapsed).toBe(2_908);
    expect(
      retries.map(({ attempt, delayMs, serverHinted, error }) => ({
        attempt,
        delayMs,
        serverHinted,
        code: error.code,
      })),
    ).toEqual([
      { attempt: 1, delayMs: 1_000, serverHinted: false, code: "WFM-TEST-TRANSIENT" },
      { attempt: 2, delayMs: 1_752, serverHinted: false, code: "WFM-TEST-TRANSIENT" },
      { attempt: 3, delayMs: 156, serverHinted: false, code: "WFM-TEST-TRANSIENT" },
    ]);
  });

  it("gives up after maxAttempts with WFM-RETRY-EXHAUSTED naming the last error", async () => {
    const clock = createVirtualClock();
    const { operation, startedAt } = scripted(clock, Array.from({ length: 10 }, unavailable));

    const error = await rejection(
      retry(operation, {
        clock,
        random: seededRandom(42),
        classify,
        context: { runId: "r1", phase: "push" },
      }),
    );

    expect(startedAt).toEqual([0, 1_000, 2_752, 2_908, 8_044]);
    expect(error.code).toBe("WFM-RETRY-EXHAUSTED");
    expect(error.kind).toBe("transient");
    expect(error.message).toBe(
      "Gave up after 5 attempts over 8 s (maxAttempts 5 reached); last: WFM-TEST-TRANSIENT: Service unavailable (503)",
    );
    expect(error.guidance).toBe(
      "Phase `push` of run r1 kept failing (WFM-TEST-TRANSIENT: Service unavailable (503)). The run is saved; resume when the cause has cleared.",
    );
    expect(error.command).toBe("workflowmaster resume r1");
    expect((error.cause as WorkflowMasterError).code).toBe("WFM-TEST-TRANSIENT");
    expect(error.retryAfterMs).toBe(undefined);
  });
});

describe("never retrying what is not transient", () => {
  it.each([
    ["a permanent error", new TestFailure("permanent", "Not Found (404)"), "WFM-TEST-PERMANENT"],
    [
      "a partial error",
      new TestFailure("partial", "Issue created, response lost"),
      "WFM-TEST-PARTIAL",
    ],
    [
      "an environmental error",
      new TestFailure("environmental", "No space left on device"),
      "WFM-TEST-ENVIRONMENTAL",
    ],
    ["a TypeError", new TypeError("phase.run is not a function"), "WFM-INTERNAL"],
    ["a RangeError", new RangeError("Invalid array length"), "WFM-INTERNAL"],
  ])("throws %s at once, classified, after exactly one call", async (_, thrown, code) => {
    const clock = createVirtualClock();
    const { operation, startedAt } = scripted(clock, [thrown, thrown, thrown]);
    let retried = 0;

    const error = await rejection(
      retry(operation, {
        clock,
        random: seededRandom(1),
        classify,
        onRetry: () => {
          retried++;
        },
      }),
    );

    expect(startedAt).toEqual([0]);
    expect(retried).toBe(0);
    expect(error.code).toBe(code);
    expect(error.cause).toBe(thrown);
    expect(clock.elapsed).toBe(0);
  });

  it("does not retry a nested retry's exhaustion, which would multiply its attempts", async () => {
    const clock = createVirtualClock();
    const inner = wfmError("WFM-RETRY-EXHAUSTED", { message: "Gave up after 5 attempts" });
    const { operation, startedAt } = scripted(clock, [inner]);

    const error = await rejection(retry(operation, { clock, random: seededRandom(1), classify }));

    expect(error).toBe(inner);
    expect(startedAt).toEqual([0]);
  });

  it("reports a classify() that throws as WFM-INTERNAL, without retrying", async () => {
    const clock = createVirtualClock();
    const { operation, startedAt } = scripted(clock, [unavailable()]);

    const error = await rejection(
      retry(operation, {
        clock,
        random: seededRandom(1),
        classify: () => {
          throw new TypeError("Cannot read properties of undefined (reading 'status')");
        },
      }),
    );

    expect(error.code).toBe("WFM-INTERNAL");
    expect(error.message).toBe(
      "classify() threw while classifying a failure: TypeError: Cannot read properties of undefined (reading 'status')",
    );
    expect(startedAt).toEqual([0]);
  });
});

describe("server hints", () => {
  it("waits out a one-hour rate limit exactly, in under a second of real time", async () => {
    const clock = createVirtualClock();
    const random = seededRandom(5);
    const { operation, startedAt } = scripted(clock, [rateLimited(3_600_000)]);
    const retries: RetryInfo[] = [];

    const realStart = performance.now();
    const value = await retry(operation, {
      policy: { deadlineMs: 7_200_000 },
      clock,
      random,
      classify,
      onRetry: (info) => {
        retries.push(info);
      },
    });
    const realMs = performance.now() - realStart;

    expect(value).toBe("done");
    expect(clock.elapsed).toBeGreaterThanOrEqual(3_600_000);
    expect(clock.elapsed).toBe(3_600_000);
    expect(startedAt).toEqual([0, 3_600_000]);
    expect(realMs).toBeLessThan(1_000);
    expect(retries.map(({ delayMs, serverHinted }) => ({ delayMs, serverHinted }))).toEqual([
      { delayMs: 3_600_000, serverHinted: true },
    ]);
    // Not jittered: the hint drew nothing from the random stream.
    expect(random.next()).toBe(seededRandom(5).next());
  });

  it("is not capped by maxDelayMs", async () => {
    const clock = createVirtualClock();
    const { operation, startedAt } = scripted(clock, [rateLimited(90_000), rateLimited(90_000)]);

    await retry(operation, { clock, random: seededRandom(1), classify });

    expect(startedAt).toEqual([0, 90_000, 180_000]);
  });

  it("stops when the server asks for more than maxServerWaitMs, passing the wait on", async () => {
    const clock = createVirtualClock();
    const { operation, startedAt } = scripted(clock, [rateLimited(7_200_000)]);

    const error = await rejection(
      retry(operation, {
        policy: { deadlineMs: 36_000_000 },
        clock,
        random: seededRandom(1),
        classify,
      }),
    );

    expect(startedAt).toEqual([0]);
    expect(clock.elapsed).toBe(0);
    expect(error.code).toBe("WFM-RETRY-EXHAUSTED");
    expect(error.retryAfterMs).toBe(7_200_000);
    expect(error.message).toBe(
      "Gave up after 1 attempt over 0 s (the server asked to wait 7200 s, more than maxServerWaitMs 3660 s); last: WFM-TEST-TRANSIENT: API rate limit exceeded",
    );
  });

  it("stops when the server's wait would pass the deadline", async () => {
    const clock = createVirtualClock();
    const { operation, startedAt } = scripted(clock, [rateLimited(3_600_000)]);

    const error = await rejection(retry(operation, { clock, random: seededRandom(1), classify }));

    expect(startedAt).toEqual([0]);
    expect(clock.elapsed).toBe(0);
    expect(error.code).toBe("WFM-RETRY-EXHAUSTED");
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(error.message).toBe(
      "Gave up after 1 attempt over 0 s (waiting 3600 s more would pass the 600 s deadline); last: WFM-TEST-TRANSIENT: API rate limit exceeded",
    );
  });
});

describe("per-step deadline on the injected clock", () => {
  it("makes no attempt that would start after the deadline", async () => {
    const clock = createVirtualClock();
    const started = clock.now();
    const startedAt: number[] = [];
    // Each attempt takes 4 s of virtual time before it fails.
    const operation = async ({ signal }: { signal: AbortSignal }) => {
      startedAt.push(clock.now() - started);
      await clock.sleep(4_000, signal);
      throw unavailable();
    };

    const error = await rejection(
      retry(operation, {
        policy: { maxAttempts: 100, deadlineMs: 10_000 },
        clock,
        random: seededRandom(42),
        classify,
      }),
    );

    // 0–4 s fails, waits 1 s; 5–9 s fails; the next wait (1.752 s) would end
    // at 10.752 s, past the 10 s deadline, so it stops at 9 s.
    expect(startedAt).toEqual([0, 5_000]);
    expect(clock.elapsed).toBe(9_000);
    expect(error.code).toBe("WFM-RETRY-EXHAUSTED");
    expect(error.message).toBe(
      "Gave up after 2 attempts over 9 s (waiting 1.8 s more would pass the 10 s deadline); last: WFM-TEST-TRANSIENT: Service unavailable (503)",
    );
  });
});

describe("cancellation", () => {
  const stop = () => new DOMException("Stopped by the user", "AbortError");

  it("stops a one-hour wait the moment the signal aborts, 5 s into it", async () => {
    const clock = createVirtualClock();
    const controller = new AbortController();
    const reason = stop();
    const aborter = clock.sleep(5_000).then(() => controller.abort(reason));
    const { operation, startedAt } = scripted(clock, [rateLimited(3_600_000)]);

    const error = await rejection(
      retry(operation, {
        policy: { deadlineMs: 7_200_000 },
        clock,
        random: seededRandom(1),
        classify,
        signal: controller.signal,
      }),
    );
    await aborter;

    expect(error.code).toBe("WFM-INTERRUPTED");
    expect(error.cause).toBe(reason);
    expect(startedAt).toEqual([0]);
    expect(clock.elapsed).toBe(5_000);
  });

  it("throws the abort reason, not the attempt's own failure, when aborted mid-attempt", async () => {
    const clock = createVirtualClock();
    const controller = new AbortController();
    const reason = stop();
    const aborter = clock.sleep(2_000).then(() => controller.abort(reason));
    let calls = 0;
    // A transport that reports the abort as a (transient) connection reset.
    const operation = async ({ signal }: { signal: AbortSignal }) => {
      calls++;
      await clock.sleep(60_000, signal).catch((cause: unknown) => {
        throw new TestFailure("transient", `Connection reset (${String(cause)})`);
      });
      return "done";
    };

    let retried = 0;

    const error = await rejection(
      retry(operation, {
        clock,
        random: seededRandom(1),
        classify,
        signal: controller.signal,
        onRetry: () => {
          retried++;
        },
      }),
    );
    await aborter;

    expect(error.code).toBe("WFM-INTERRUPTED");
    expect(error.cause).toBe(reason);
    expect(calls).toBe(1);
    expect(retried).toBe(0);
    expect(clock.elapsed).toBe(2_000);
  });

  it("makes no attempt when the signal is already aborted", async () => {
    const clock = createVirtualClock();
    const reason = stop();
    const { operation, startedAt } = scripted(clock, []);

    const error = await rejection(
      retry(operation, {
        clock,
        random: seededRandom(1),
        classify,
        signal: AbortSignal.abort(reason),
      }),
    );

    expect(error.code).toBe("WFM-INTERRUPTED");
    expect(error.cause).toBe(reason);
    expect(startedAt).toEqual([]);
  });
});

describe("onRetry", () => {
  it("is awaited before the wait starts", async () => {
    const clock = createVirtualClock();
    const { operation, startedAt } = scripted(clock, [unavailable()]);
    const seen: number[] = [];

    await retry(operation, {
      clock,
      random: seededRandom(42),
      classify,
      onRetry: async () => {
        seen.push(clock.elapsed);
        await clock.sleep(100);
      },
    });

    // The journal write took 100 ms; the 1 000 ms backoff came after it.
    expect(seen).toEqual([0]);
    expect(startedAt).toEqual([0, 1_100]);
  });

  it("ends the retries with its own failure, classified, when it throws", async () => {
    const clock = createVirtualClock();
    const { operation, startedAt } = scripted(clock, [unavailable()]);

    const error = await rejection(
      retry(operation, {
        clock,
        random: seededRandom(1),
        classify,
        onRetry: () => {
          throw new TestFailure("environmental", "No space left on device");
        },
      }),
    );

    expect(error.code).toBe("WFM-TEST-ENVIRONMENTAL");
    expect(startedAt).toEqual([0]);
  });
});

describe("retry budget in retry()", () => {
  const target = "api.example.test";

  it("stops at once with WFM-RETRY-BUDGET-EXHAUSTED when the bucket cannot pay", async () => {
    const clock = createVirtualClock();
    const budget = createRetryBudget({ capacity: 5, retryCost: 5, refillEveryMs: 0 }, clock);
    const { operation, startedAt } = scripted(clock, Array.from({ length: 5 }, unavailable));

    const error = await rejection(
      retry(operation, {
        clock,
        random: seededRandom(42),
        classify,
        budget,
        target,
        context: { runId: "r7" },
      }),
    );

    expect(startedAt).toEqual([0, 1_000]);
    expect(budget.tokens(target)).toBe(0);
    expect(error.code).toBe("WFM-RETRY-BUDGET-EXHAUSTED");
    expect(error.message).toBe(
      "Stopped retrying api.example.test after 2 attempts over 1 s: its retry budget is spent; last: WFM-TEST-TRANSIENT: Service unavailable (503)",
    );
    expect(error.guidance).toBe(
      "Too many calls to api.example.test failed in a short time. Check the service's status, then resume.",
    );
    expect(error.command).toBe("workflowmaster resume r7");
    expect((error.cause as WorkflowMasterError).code).toBe("WFM-TEST-TRANSIENT");
  });

  it("pays for backoff retries and refunds on success", async () => {
    const clock = createVirtualClock();
    const budget = createRetryBudget({ refillEveryMs: 0 }, clock);
    const options = { clock, random: seededRandom(3), classify, budget, target };

    await retry(scripted(clock, [unavailable(), unavailable()]).operation, options);
    expect(budget.tokens(target)).toBe(20 - 5 - 5 + 1);
    await retry(scripted(clock, []).operation, options);
    await retry(scripted(clock, []).operation, options);
    expect(budget.tokens(target)).toBe(13);
  });

  it("spends nothing on server-requested waits", async () => {
    const clock = createVirtualClock();
    const budget = createRetryBudget({ capacity: 5, successRefund: 0, refillEveryMs: 0 }, clock);
    const { operation, startedAt } = scripted(clock, [
      rateLimited(1_000),
      rateLimited(1_000),
      rateLimited(1_000),
    ]);

    await retry(operation, { clock, random: seededRandom(1), classify, budget, target });

    expect(startedAt).toEqual([0, 1_000, 2_000, 3_000]);
    expect(budget.tokens(target)).toBe(5);
  });

  it("refuses a budget without a target", async () => {
    const clock = createVirtualClock();
    await expect(
      retry(scripted(clock, []).operation, {
        clock,
        random: seededRandom(1),
        classify,
        budget: createRetryBudget({}, clock),
      }),
    ).rejects.toThrow(new TypeError("retry: `target` is required when `budget` is given."));
  });
});

describe("retry budget under a total outage", () => {
  const target = "api.example.test";

  interface Call {
    attempts: number;
    code: string;
  }

  /** One call to a target that always fails transiently. */
  async function failingCall(options: Omit<Parameters<typeof retry>[1], "classify">) {
    let attempts = 0;
    const error = await rejection(
      retry(
        async () => {
          attempts++;
          throw unavailable();
        },
        { ...options, classify },
      ),
    );
    return { attempts, code: error.code };
  }

  const perCall = (calls: readonly Call[]) =>
    calls.reduce((sum, call) => sum + call.attempts, 0) / calls.length;

  it("bounds 100 calls, one a second, to 1.02 attempts per call after the budget drains", async () => {
    const clock = createVirtualClock();
    const budget = createRetryBudget({}, clock);
    const random = seededRandom(2026);
    const calls: Call[] = [];
    for (let i = 0; i < 100; i++) {
      calls.push(await failingCall({ clock, random, budget, target }));
      await clock.sleep(1_000);
    }

    const drainedAt = calls.findIndex((call) => call.code === "WFM-RETRY-BUDGET-EXHAUSTED");
    const afterDrain = calls.slice(drainedAt + 1);
    // The first call spends the full bucket on its 4 retries; the second is
    // the first refused. After that one retry is affordable per 50 s of
    // refill: 2 in the remaining 98 calls.
    expect(calls[0]).toEqual({ attempts: 5, code: "WFM-RETRY-EXHAUSTED" });
    expect(drainedAt).toBe(1);
    expect(afterDrain.length).toBe(98);
    expect(afterDrain.filter((call) => call.attempts === 2).length).toBe(2);
    expect(perCall(afterDrain)).toBe(100 / 98);
    expect(perCall(afterDrain)).toBeLessThanOrEqual(1.2);
  });

  it("bounds a burst of 100 concurrent calls to 1.04 attempts per call", async () => {
    const clock = createVirtualClock();
    const budget = createRetryBudget({}, clock);
    const random = seededRandom(2026);

    const calls = await Promise.all(
      Array.from({ length: 100 }, () => failingCall({ clock, random, budget, target })),
    );

    // Four calls get the four retries the bucket holds; every other call,
    // and those four on their second failure, are refused.
    expect(calls.filter((call) => call.code === "WFM-RETRY-BUDGET-EXHAUSTED").length).toBe(100);
    expect(calls.filter((call) => call.attempts === 2).length).toBe(4);
    expect(perCall(calls)).toBe(1.04);
  });

  it("without a budget, the same outage costs maxAttempts per call", async () => {
    const clock = createVirtualClock();
    const random = seededRandom(2026);
    const calls: Call[] = [];
    for (let i = 0; i < 10; i++) calls.push(await failingCall({ clock, random }));

    expect(perCall(calls)).toBe(5);
  });

  it("lets retries through again once the service recovers and time passes", async () => {
    const clock = createVirtualClock();
    const budget = createRetryBudget({}, clock);
    const random = seededRandom(2026);
    await failingCall({ clock, random, budget, target });
    expect(budget.tokens(target)).toBe(0);

    // Five successes earn one retry back.
    for (let i = 0; i < 5; i++)
      await retry(async () => "ok", { clock, random, classify, budget, target });
    expect(budget.tokens(target)).toBe(5);
    // And a quiet minute earns six more tokens.
    await clock.sleep(60_000);
    expect(budget.tokens(target)).toBe(11);
    const { operation, startedAt } = scripted(clock, [unavailable(), unavailable()]);
    await retry(operation, { clock, random, classify, budget, target });
    expect(startedAt.length).toBe(3);
  });
});
