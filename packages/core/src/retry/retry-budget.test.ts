import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../ports/index.js";
import {
  createRetryBudget,
  parseRetryBudgetOptions,
  RETRY_BUDGET_DEFAULTS,
} from "./retry-budget.js";

const drain = (budget: ReturnType<typeof createRetryBudget>, target: string): number => {
  let granted = 0;
  while (budget.tryAcquire(target)) granted++;
  return granted;
};

describe("retry budget spending", () => {
  it("starts a new target full and pays for exactly four retries at the defaults", () => {
    const budget = createRetryBudget({}, createVirtualClock());
    expect(budget.tokens("api.github.com")).toBe(20);
    expect(drain(budget, "api.github.com")).toBe(4);
    expect(budget.tokens("api.github.com")).toBe(0);
  });

  it("takes nothing when it refuses", () => {
    const budget = createRetryBudget({ capacity: 7, retryCost: 5 }, createVirtualClock());
    expect(budget.tryAcquire("a")).toBe(true);
    expect(budget.tokens("a")).toBe(2);
    expect(budget.tryAcquire("a")).toBe(false);
    expect(budget.tokens("a")).toBe(2);
  });

  it("keeps one bucket per target", () => {
    const budget = createRetryBudget({}, createVirtualClock());
    expect(drain(budget, "api.github.com")).toBe(4);
    expect(budget.tokens("git-remote")).toBe(20);
    expect(budget.tryAcquire("git-remote")).toBe(true);
    expect(budget.tokens("git-remote")).toBe(15);
  });
});

describe("retry budget refunds on success", () => {
  it("earns one retry back for every five successes", () => {
    const budget = createRetryBudget({}, createVirtualClock());
    drain(budget, "t");
    for (let i = 0; i < 4; i++) budget.recordSuccess("t");
    expect(budget.tokens("t")).toBe(4);
    expect(budget.tryAcquire("t")).toBe(false);
    budget.recordSuccess("t");
    expect(budget.tryAcquire("t")).toBe(true);
    expect(budget.tokens("t")).toBe(0);
  });

  it("never fills past its capacity", () => {
    const budget = createRetryBudget({}, createVirtualClock());
    for (let i = 0; i < 50; i++) budget.recordSuccess("t");
    expect(budget.tokens("t")).toBe(20);
  });
});

describe("retry budget refill over time", () => {
  it("gives one token back per 10 s of clock time", () => {
    const clock = createVirtualClock();
    const budget = createRetryBudget({}, clock);
    drain(budget, "t");
    clock.advance(49_999);
    expect(budget.tokens("t")).toBe(4);
    expect(budget.tryAcquire("t")).toBe(false);
    clock.advance(1);
    expect(budget.tryAcquire("t")).toBe(true);
    expect(budget.tokens("t")).toBe(0);
  });

  it("carries the unused part of an interval forward", () => {
    const clock = createVirtualClock();
    const budget = createRetryBudget({}, clock);
    drain(budget, "t");
    clock.advance(15_000);
    expect(budget.tokens("t")).toBe(1);
    clock.advance(15_000);
    expect(budget.tokens("t")).toBe(3);
  });

  it("banks no time while full, so draining after a quiet hour starts refill from then", () => {
    const clock = createVirtualClock();
    const budget = createRetryBudget({}, clock);
    expect(budget.tokens("t")).toBe(20);
    clock.advance(3_600_000);
    expect(budget.tryAcquire("t")).toBe(true);
    expect(budget.tokens("t")).toBe(15);
    clock.advance(9_999);
    expect(budget.tokens("t")).toBe(15);
    clock.advance(1);
    expect(budget.tokens("t")).toBe(16);
  });

  it("does not refill when refillEveryMs is 0", () => {
    const clock = createVirtualClock();
    const budget = createRetryBudget({ refillEveryMs: 0 }, clock);
    drain(budget, "t");
    clock.advance(86_400_000);
    expect(budget.tokens("t")).toBe(0);
  });
});

describe("retry budget options", () => {
  it("fills every default", () => {
    expect(parseRetryBudgetOptions()).toEqual(RETRY_BUDGET_DEFAULTS);
    expect(RETRY_BUDGET_DEFAULTS).toEqual({
      capacity: 20,
      retryCost: 5,
      successRefund: 1,
      refillEveryMs: 10_000,
    });
  });

  it("refuses bad options with a message naming the field", () => {
    const clock = createVirtualClock();
    expect(() => createRetryBudget({ capacity: 4 }, clock)).toThrow(
      new TypeError(
        "Invalid retry budget options: `retryCost`: must not exceed `capacity`, or no retry could ever be paid for.",
      ),
    );
    expect(() => createRetryBudget({ capacity: 0 }, clock)).toThrow(
      new TypeError(
        "Invalid retry budget options: `capacity`: Too small: expected number to be >=1; `retryCost`: must not exceed `capacity`, or no retry could ever be paid for.",
      ),
    );
    expect(() => parseRetryBudgetOptions({ refillEveryMs: -1, capacty: 3 })).toThrow(
      new TypeError(
        'Invalid retry budget options: `refillEveryMs`: Too small: expected number to be >=0; `(options)`: Unrecognized key: "capacty".',
      ),
    );
  });
});
