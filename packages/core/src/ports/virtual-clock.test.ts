import { describe, expect, it } from "vitest";
import { createVirtualClock } from "./virtual-clock.js";

describe("virtual clock", () => {
  it("advances time to each sleeper's deadline without waiting in real time", async () => {
    const clock = createVirtualClock(0);
    const started = performance.now();
    await clock.sleep(3_600_000);
    expect(clock.now()).toBe(3_600_000);
    expect(clock.elapsed).toBe(3_600_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("wakes sleepers in deadline order, ties in call order", async () => {
    const clock = createVirtualClock(0);
    const woke: string[] = [];
    await Promise.all([
      clock.sleep(30).then(() => woke.push(`c@${clock.now()}`)),
      clock.sleep(10).then(() => woke.push(`a@${clock.now()}`)),
      clock.sleep(10).then(() => woke.push(`b@${clock.now()}`)),
      clock.sleep(0).then(() => woke.push(`z@${clock.now()}`)),
    ]);
    expect(woke).toEqual(["z@0", "a@10", "b@10", "c@30"]);
  });

  it("lets a woken task sleep again before later sleepers wake", async () => {
    const clock = createVirtualClock(0);
    const woke: string[] = [];
    const chain = (async () => {
      await clock.sleep(5);
      woke.push(`first@${clock.now()}`);
      await clock.sleep(5);
      woke.push(`second@${clock.now()}`);
    })();
    const late = clock.sleep(20).then(() => woke.push(`late@${clock.now()}`));
    await Promise.all([chain, late]);
    expect(woke).toEqual(["first@5", "second@10", "late@20"]);
  });

  it("rejects with the signal's reason when aborted, and forgets the sleeper", async () => {
    const clock = createVirtualClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
    await clock.sleep(1);
    expect(clock.now()).toBe(1);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const clock = createVirtualClock(0);
    await expect(clock.sleep(10, AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
    expect(clock.now()).toBe(0);
  });

  it("moves time forward on advance and refuses negative steps", () => {
    const clock = createVirtualClock(100);
    clock.advance(50);
    expect(clock.now()).toBe(150);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
