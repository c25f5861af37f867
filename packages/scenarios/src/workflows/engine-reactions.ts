/**
 * Events that show the engine (or the GitHub adapter) noticed a fault: a
 * retry, a rate-limit wait, a stop, or a recovery on restart. The first one
 * after a fault is injected marks the time to detect it.
 */
export const ENGINE_REACTIONS: ReadonlySet<string> = new Set([
  "rate-limit.waiting",
  "phase.retrying",
  "phase.failed",
  "phase.reconciled",
  "run.paused",
  "run.failed",
  "run.resumed",
  "run.recovered",
]);
