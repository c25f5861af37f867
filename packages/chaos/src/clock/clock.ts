/**
 * Time, injected. Structurally the same as core's `Clock` port, so the
 * chaos virtual clock can drive the engine without chaos importing core.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** ISO-8601 UTC, the only timestamp format the harness writes. */
export function isoTime(clock: Pick<Clock, "now">): string {
  return new Date(clock.now()).toISOString();
}
