import type { Clock } from "./clock.js";

/**
 * A clock whose time only moves when someone sleeps. `sleep(ms)` resolves on
 * the next microtask turn after advancing time to its deadline, so sleepers
 * wake in deadline order (ties in call order) and a one-hour wait costs no
 * real time. Deterministic: the same calls in the same order give the same
 * timeline.
 */
export interface VirtualClock extends Clock {
  /** Total virtual milliseconds slept through since creation. */
  readonly elapsed: number;
  /** Moves time forward without a sleeper (e.g. "the process was down for 5 s"). */
  advance(ms: number): void;
}

interface Sleeper {
  readonly deadline: number;
  readonly order: number;
  readonly resolve: () => void;
}

export function createVirtualClock(startMs = Date.UTC(2026, 0, 1)): VirtualClock {
  let now = startMs;
  let order = 0;
  const sleepers: Sleeper[] = [];
  let draining = false;

  // Wake sleepers one at a time, earliest deadline first, letting each
  // woken task run (and possibly sleep again) before the next wakes.
  const drain = () => {
    if (draining) return;
    draining = true;
    setImmediate(() => {
      draining = false;
      sleepers.sort((a, b) => a.deadline - b.deadline || a.order - b.order);
      const next = sleepers.shift();
      if (!next) return;
      now = Math.max(now, next.deadline);
      next.resolve();
      if (sleepers.length > 0) drain();
    });
  };

  return {
    now: () => now,
    get elapsed() {
      return now - startMs;
    },
    advance(ms: number) {
      if (!(ms >= 0)) throw new RangeError(`advance(ms) needs ms >= 0, got ${ms}`);
      now += ms;
    },
    sleep(ms: number, signal?: AbortSignal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const sleeper: Sleeper = {
          deadline: now + Math.max(0, ms),
          order: order++,
          resolve: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const i = sleepers.indexOf(sleeper);
          if (i >= 0) sleepers.splice(i, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        sleepers.push(sleeper);
        drain();
      });
    },
  };
}
