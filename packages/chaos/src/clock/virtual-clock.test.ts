import { describe, expect, it } from "vitest";
import { createSeededRandom } from "../seed/seeded-random.js";
import { createVirtualClock, DEFAULT_VIRTUAL_START_MS } from "./virtual-clock.js";

const START = DEFAULT_VIRTUAL_START_MS;

describe("createVirtualClock: time", () => {
  it("starts at 2026-01-01T00:00:00.000Z unless told otherwise", () => {
    expect(new Date(createVirtualClock().now()).toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(createVirtualClock(0).now()).toBe(0);
  });

  it("jumps to the deadline of a one-hour sleep", async () => {
    const clock = createVirtualClock();
    await clock.sleep(3_600_000);
    expect(clock.now()).toBe(START + 3_600_000);
    expect(clock.elapsed).toBe(3_600_000);
  });

  it("moves time with advance, without a sleeper", () => {
    const clock = createVirtualClock();
    clock.advance(5000);
    expect(clock.now()).toBe(START + 5000);
    expect(clock.elapsed).toBe(5000);
  });

  it("refuses to advance by a negative or non-finite amount", () => {
    const clock = createVirtualClock();
    expect(() => clock.advance(-1)).toThrow(
      new RangeError("advance(ms) needs a finite ms >= 0, got -1."),
    );
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.now()).toBe(START);
  });

  it("refuses a non-finite start", () => {
    expect(() => createVirtualClock(Number.NaN)).toThrow(
      new TypeError("createVirtualClock(start) needs a finite epoch time in ms, got NaN."),
    );
  });
});

describe("createVirtualClock: wake order", () => {
  it("wakes concurrent sleepers in deadline order, ties in call order", async () => {
    const clock = createVirtualClock();
    const woke: Array<[string, number]> = [];
    const sleep = async (name: string, ms: number) => {
      await clock.sleep(ms);
      woke.push([name, clock.elapsed]);
    };
    await Promise.all([sleep("a", 30), sleep("b", 10), sleep("c", 20), sleep("d", 10)]);
    expect(woke).toEqual([
      ["b", 10],
      ["d", 10],
      ["c", 20],
      ["a", 30],
    ]);
  });

  it("lets a woken task sleep again before a later sleeper wakes", async () => {
    const clock = createVirtualClock();
    const woke: Array<[string, number]> = [];
    const twice = async () => {
      await clock.sleep(10);
      woke.push(["twice-1", clock.elapsed]);
      await clock.sleep(5);
      woke.push(["twice-2", clock.elapsed]);
    };
    const once = async () => {
      await clock.sleep(20);
      woke.push(["once", clock.elapsed]);
    };
    await Promise.all([once(), twice()]);
    expect(woke).toEqual([
      ["twice-1", 10],
      ["twice-2", 15],
      ["once", 20],
    ]);
  });

  it("wakes a sleeper whose deadline advance already passed without moving time back", async () => {
    const clock = createVirtualClock();
    const sleeping = clock.sleep(10);
    clock.advance(100);
    await sleeping;
    expect(clock.elapsed).toBe(100);
  });

  it("treats a negative wait as zero", async () => {
    const clock = createVirtualClock();
    await clock.sleep(-50);
    expect(clock.elapsed).toBe(0);
  });

  it("refuses a NaN or infinite wait", async () => {
    const clock = createVirtualClock();
    await expect(clock.sleep(Number.NaN)).rejects.toThrow(
      new RangeError("sleep(ms) needs a finite number of milliseconds, got NaN."),
    );
    await expect(clock.sleep(Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
    expect(clock.pending()).toBe(0);
  });
});

describe("createVirtualClock: pending", () => {
  it("counts the sleepers not yet woken", async () => {
    const clock = createVirtualClock();
    expect(clock.pending()).toBe(0);
    const first = clock.sleep(10);
    const second = clock.sleep(20);
    expect(clock.pending()).toBe(2);
    await first;
    expect(clock.pending()).toBe(1);
    await second;
    expect(clock.pending()).toBe(0);
  });
});

describe("createVirtualClock: abort", () => {
  it("rejects at once with the reason when the signal is already aborted", async () => {
    const clock = createVirtualClock();
    const reason = new Error("stopped before sleeping");
    await expect(clock.sleep(1000, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(clock.pending()).toBe(0);
    expect(clock.elapsed).toBe(0);
  });

  it("rejects a pending sleep with the reason and never jumps to its deadline", async () => {
    const clock = createVirtualClock();
    const controller = new AbortController();
    const reason = new Error("cancelled by the run");
    const aborted = clock.sleep(1000, controller.signal);
    const other = clock.sleep(50);
    expect(clock.pending()).toBe(2);
    controller.abort(reason);
    expect(clock.pending()).toBe(1);
    await expect(aborted).rejects.toBe(reason);
    await other;
    expect(clock.elapsed).toBe(50);
    expect(clock.pending()).toBe(0);
  });

  it("ignores an abort that comes after the sleeper woke", async () => {
    const clock = createVirtualClock();
    const controller = new AbortController();
    await clock.sleep(10, controller.signal);
    controller.abort(new Error("too late"));
    await clock.sleep(5);
    expect(clock.elapsed).toBe(15);
  });
});

describe("createVirtualClock: determinism", () => {
  // Five workers with seeded random waits, racing; the trace is the timeline.
  const run = async () => {
    const clock = createVirtualClock();
    const random = createSeededRandom(2024);
    const trace: string[] = [];
    const worker = async (id: number) => {
      for (let step = 0; step < 20; step++) {
        await clock.sleep(random.int(0, 1000));
        trace.push(`${id}:${step}@${clock.elapsed}`);
      }
    };
    await Promise.all([0, 1, 2, 3, 4].map(worker));
    return { trace, elapsed: clock.elapsed };
  };

  it("gives the same timeline in two runs of the same program", async () => {
    const first = await run();
    const second = await run();
    expect(first.trace.length).toBe(100);
    expect(second).toEqual(first);
  });

  it("never moves time backwards in a run", async () => {
    const { trace } = await run();
    const times = trace.map((entry) => Number(entry.split("@")[1]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
