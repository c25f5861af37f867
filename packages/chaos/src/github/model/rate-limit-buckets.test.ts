import { describe, expect, it } from "vitest";
import { createVirtualClock, DEFAULT_VIRTUAL_START_MS } from "../../clock/virtual-clock.js";
import type { RateLimitRecord } from "./model-records.js";
import { createRateLimitBuckets, DEFAULT_RATE_LIMITS } from "./rate-limit-buckets.js";

const START_S = DEFAULT_VIRTUAL_START_MS / 1000;

describe("counting requests per token and resource", () => {
  it("takes one request per call and reports limit, remaining, used and the window's reset", () => {
    const clock = createVirtualClock();
    const buckets = createRateLimitBuckets({}, clock, DEFAULT_RATE_LIMITS);
    expect(buckets.take("token:a", "core")).toEqual({
      ok: true,
      view: { limit: 5000, remaining: 4999, used: 1, reset: START_S + 3600, resource: "core" },
    });
    expect(buckets.take("token:a", "core").view.remaining).toBe(4998);
    expect(buckets.peek("token:a", "core").used).toBe(2);
    expect(buckets.take("token:b", "core").view.used).toBe(1);
    expect(buckets.take("token:a", "search").view).toEqual({
      limit: 30,
      remaining: 29,
      used: 1,
      reset: START_S + 60,
      resource: "search",
    });
  });

  it("gives anonymous callers GitHub's smaller buckets", () => {
    const buckets = createRateLimitBuckets({}, createVirtualClock(), DEFAULT_RATE_LIMITS);
    expect(buckets.peek("anonymous", "core").limit).toBe(60);
    expect(buckets.peek("anonymous", "search").limit).toBe(10);
  });
});

describe("an empty bucket", () => {
  it("refuses with 403 until the window resets on the clock, then refills", () => {
    const clock = createVirtualClock();
    const buckets = createRateLimitBuckets({}, clock, { ...DEFAULT_RATE_LIMITS, core: 2 });
    buckets.take("token:a", "core");
    buckets.take("token:a", "core");
    expect(buckets.take("token:a", "core")).toEqual({
      ok: false,
      status: 403,
      view: { limit: 2, remaining: 0, used: 2, reset: START_S + 3600, resource: "core" },
    });
    clock.advance(3_599_999);
    expect(buckets.take("token:a", "core").ok).toBe(false);
    clock.advance(1);
    expect(buckets.take("token:a", "core").view).toEqual({
      limit: 2,
      remaining: 1,
      used: 1,
      reset: START_S + 7200,
      resource: "core",
    });
  });

  it("stays empty until an injected reset and answers with the injected status", () => {
    const clock = createVirtualClock();
    const records: Record<string, RateLimitRecord> = {};
    const buckets = createRateLimitBuckets(records, clock, DEFAULT_RATE_LIMITS);
    const view = buckets.exhaust("token:a", "core", {
      status: 429,
      resetAt: DEFAULT_VIRTUAL_START_MS + 90_500,
    });
    expect(view).toEqual({
      limit: 5000,
      remaining: 0,
      used: 5000,
      reset: START_S + 91,
      resource: "core",
    });
    expect(buckets.take("token:a", "core")).toMatchObject({ ok: false, status: 429 });
    clock.advance(91_000);
    expect(buckets.take("token:a", "core")).toMatchObject({ ok: true, view: { remaining: 4999 } });
    expect(Object.keys(records)).toEqual(["token:a\u0000core"]);
  });
});
