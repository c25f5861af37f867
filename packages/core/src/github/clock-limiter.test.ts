import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../ports/index.js";
import {
  createClockLimiter,
  createClockLimiterGroup,
  createClockRetryLimiter,
} from "./clock-limiter.js";

describe("clock limiter spacing", () => {
  it("starts jobs minTime apart on the virtual clock, in arrival order", async () => {
    const clock = createVirtualClock(0);
    const limiter = createClockLimiter({ clock, maxConcurrent: 1, minTimeMs: 1_000 });
    const starts: Array<[string, number]> = [];
    const job = (name: string) => async () => {
      starts.push([name, clock.now()]);
      return name;
    };
    const results = await Promise.all([
      limiter.schedule({ priority: 0 }, job("a")),
      limiter.schedule(job("b")),
      limiter.schedule({}, job("c")),
    ]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(starts).toEqual([
      ["a", 0],
      ["b", 1_000],
      ["c", 2_000],
    ]);
  });

  it("waits only for what is left of the spacing", async () => {
    const clock = createVirtualClock(0);
    const limiter = createClockLimiter({ clock, maxConcurrent: 1, minTimeMs: 1_000 });
    await limiter.schedule(async () => undefined);
    await clock.sleep(400);
    await limiter.schedule(async () => undefined);
    expect(clock.now()).toBe(1_000);
  });

  it("passes the job's arguments through", async () => {
    const clock = createVirtualClock(0);
    const limiter = createClockLimiter({ clock, maxConcurrent: 1, minTimeMs: 0 });
    const sum = await limiter.schedule<number>(
      { weight: 0 },
      (a: number, b: number) => a + b,
      2,
      3,
    );
    expect(sum).toBe(5);
  });
});

describe("clock limiter concurrency", () => {
  it("runs at most maxConcurrent jobs at once and frees a slot when a job fails", async () => {
    const clock = createVirtualClock(0);
    const limiter = createClockLimiter({ clock, maxConcurrent: 2, minTimeMs: 0 });
    let running = 0;
    let most = 0;
    const job = (fail: boolean) => async () => {
      running += 1;
      most = Math.max(most, running);
      await clock.sleep(100);
      running -= 1;
      if (fail) throw new Error("job failed");
      return "ok";
    };
    const outcomes = await Promise.allSettled([
      limiter.schedule(job(true)),
      limiter.schedule(job(false)),
      limiter.schedule(job(false)),
      limiter.schedule(job(false)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "rejected",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    expect(most).toBe(2);
    expect(clock.now()).toBe(200);
  });

  it("keeps one limiter per group key", () => {
    const group = createClockLimiterGroup({
      clock: createVirtualClock(0),
      maxConcurrent: 1,
      minTimeMs: 0,
    });
    expect(group.key("a")).toBe(group.key("a"));
    expect(group.key("a")).not.toBe(group.key("b"));
  });
});

describe("clock retry limiter", () => {
  it("retries after the delay a failed listener returns, on the clock", async () => {
    const clock = createVirtualClock(0);
    const limiter = createClockRetryLimiter(clock, () => undefined);
    const seen: Array<[number, number]> = [];
    limiter.on("failed", (_error, info) => {
      seen.push([info.retryCount, clock.now()]);
      return info.retryCount < 2 ? 250 : undefined;
    });
    let calls = 0;
    const outcome = limiter.schedule(async () => {
      calls += 1;
      throw new Error(`attempt ${calls}`);
    });
    await expect(outcome).rejects.toThrow("attempt 3");
    expect(calls).toBe(3);
    expect(seen).toEqual([
      [0, 0],
      [1, 250],
      [2, 500],
    ]);
  });

  it("throws the job's error and reports a listener that throws", async () => {
    const reported: unknown[] = [];
    const limiter = createClockRetryLimiter(createVirtualClock(0), (error) => reported.push(error));
    limiter.on("failed", () => {
      throw new Error("listener broke");
    });
    await expect(
      limiter.schedule(async () => {
        throw new Error("job broke");
      }),
    ).rejects.toThrow("job broke");
    expect(reported.map((error) => (error as Error).message)).toEqual(["listener broke"]);
  });
});
