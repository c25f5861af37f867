import { performance } from "node:perf_hooks";

/**
 * Calls `done` once at least `ms` have passed by `performance.now()`.
 * Node's timers run on a millisecond loop clock and can fire a fraction of a
 * millisecond early by that measure; a toxic's delay must never be short.
 * Returns a canceller.
 */
export function afterAtLeast(ms: number, done: () => void): () => void {
  const until = performance.now() + Math.max(0, ms);
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = until - performance.now();
    if (left <= 0) done();
    else timer = setTimeout(arm, Math.ceil(left));
  };
  arm();
  return () => clearTimeout(timer);
}

/** Resolves once at least `ms` have passed (not interruptible). */
export function delayAtLeast(ms: number): Promise<void> {
  return new Promise((resolve) => {
    afterAtLeast(ms, resolve);
  });
}
