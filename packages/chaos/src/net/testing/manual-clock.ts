import type { Clock } from "../../clock/clock.js";

/** A clock that moves only when the test says so: `advance(ms)` wakes the sleepers it passes. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  /** How many sleepers wait. */
  sleepers(): number;
}

export function createManualClock(start = 0): ManualClock {
  let now = start;
  const waiting: { deadline: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleepers: () => waiting.length,
    advance(ms) {
      now += ms;
      for (const sleeper of waiting.filter((entry) => entry.deadline <= now)) {
        waiting.splice(waiting.indexOf(sleeper), 1);
        sleeper.wake();
      }
    },
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const sleeper = {
          deadline: now + Math.max(0, ms),
          wake: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const index = waiting.indexOf(sleeper);
          if (index >= 0) waiting.splice(index, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        waiting.push(sleeper);
      }),
  };
}
