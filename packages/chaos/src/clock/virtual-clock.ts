import type { Clock } from "./clock.js";

/** A clock whose time moves only when someone sleeps or calls `advance`. */
export interface VirtualClock extends Clock {
  /** Virtual milliseconds passed since creation (sleeps and advances). */
  readonly elapsed: number;
  /** Moves time forward without a sleeper ("the process was down for 5 s"). */
  advance(ms: number): void;
  /** How many sleepers are waiting to be woken. */
  pending(): number;
}

interface Sleeper {
  readonly deadline: number;
  readonly wake: () => void;
}

/** 2026-01-01T00:00:00.000Z: a fixed start, so timelines compare across runs. */
export const DEFAULT_VIRTUAL_START_MS = Date.UTC(2026, 0, 1);

/**
 * `sleep(ms)` costs no real time: once the program has nothing else to do
 * (its microtasks have run), time jumps to the earliest deadline and that
 * sleeper wakes. Sleepers wake one per turn, earliest deadline first, ties
 * in call order, so a woken task may run and sleep again before the next one
 * wakes. The same calls in the same order give the same timeline.
 *
 * "Nothing else to do" is judged with `setImmediate`: work waiting on real
 * I/O is not waited for, so keep real I/O out of code timed by this clock.
 */
export function createVirtualClock(startMs: number = DEFAULT_VIRTUAL_START_MS): VirtualClock {
  if (!Number.isFinite(startMs)) {
    throw new TypeError(
      `createVirtualClock(start) needs a finite epoch time in ms, got ${startMs}.`,
    );
  }
  let now = startMs;
  // Kept sorted by deadline, ties in call order; the earliest sleeper is first.
  const sleepers: Sleeper[] = [];
  let scheduled = false;

  const schedule = () => {
    if (scheduled || sleepers.length === 0) return;
    scheduled = true;
    setImmediate(wakeNext);
  };

  const wakeNext = () => {
    scheduled = false;
    const next = sleepers.shift();
    if (!next) return;
    // A deadline already passed by `advance` wakes without moving time back.
    now = Math.max(now, next.deadline);
    next.wake();
    schedule();
  };

  const insert = (sleeper: Sleeper) => {
    let low = 0;
    let high = sleepers.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = sleepers[middle] as Sleeper;
      // `<=` puts a tie after the sleepers already waiting: call order.
      if (other.deadline <= sleeper.deadline) low = middle + 1;
      else high = middle;
    }
    sleepers.splice(low, 0, sleeper);
  };

  return {
    now: () => now,
    get elapsed() {
      return now - startMs;
    },
    advance(ms) {
      if (!(Number.isFinite(ms) && ms >= 0)) {
        throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}.`);
      }
      now += ms;
    },
    pending: () => sleepers.length,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (typeof ms !== "number" || Number.isNaN(ms) || ms === Number.POSITIVE_INFINITY) {
          reject(new RangeError(`sleep(ms) needs a finite number of milliseconds, got ${ms}.`));
          return;
        }
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const onAbort = () => {
          const index = sleepers.indexOf(sleeper);
          if (index >= 0) sleepers.splice(index, 1);
          reject(signal?.reason);
        };
        const sleeper: Sleeper = {
          // Negative waits are zero waits, as with setTimeout.
          deadline: now + Math.max(0, ms),
          wake: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        insert(sleeper);
        schedule();
      });
    },
  };
}
