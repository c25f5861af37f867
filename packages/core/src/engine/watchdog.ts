import type { ErrorContext } from "../errors/index.js";
import { wfmError } from "../errors/index.js";
import type { Clock } from "../ports/index.js";

export interface WatchdogOptions {
  clock: Clock;
  /** Abort the attempt after this long in all. */
  timeoutMs?: number;
  /** Abort the attempt after this long without `progress()`. */
  inactivityMs?: number;
  /** An outer abort (interruption, retry stop): passed through to the work. */
  signal?: AbortSignal;
  /** Fills the errors' guidance (`runId`, `phase`). */
  context?: ErrorContext;
}

export interface Watched {
  readonly signal: AbortSignal;
  progress(note?: string): void;
}

/**
 * Runs `work` under a per-attempt timeout and an inactivity watchdog, both
 * timed only through `clock.sleep`, so they fire in virtual time in tests.
 * When one fires, `work`'s signal is aborted with WFM-PHASE-TIMEOUT or
 * WFM-PHASE-INACTIVE (both transient: the retry policy decides) and that
 * error is thrown at once, even if `work` ignores its signal: a hung attempt
 * must not hang the run. An outer abort is thrown as its reason.
 */
export async function runWithWatchdog<V>(
  work: (watched: Watched) => Promise<V>,
  options: WatchdogOptions,
): Promise<V> {
  const { clock, timeoutMs, inactivityMs, context = {} } = options;
  const attempt = new AbortController();
  // Stops the watchdog's own sleeps once the attempt is over.
  const watchdogs = new AbortController();
  let lastProgressAt = clock.now();
  let lastNote: string | undefined;

  const onOuterAbort = () => attempt.abort(options.signal?.reason);
  if (options.signal?.aborted) throw options.signal.reason;
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });

  const stopped = new Promise<never>((_, reject) => {
    attempt.signal.addEventListener("abort", () => reject(attempt.signal.reason), { once: true });
  });

  const timers: Promise<void>[] = [];
  if (timeoutMs !== undefined) {
    timers.push(
      clock.sleep(timeoutMs, watchdogs.signal).then(() => {
        attempt.abort(
          wfmError("WFM-PHASE-TIMEOUT", {
            message: `Attempt took longer than its ${timeoutMs} ms timeout and was aborted.`,
            context,
          }),
        );
      }),
    );
  }
  if (inactivityMs !== undefined) {
    timers.push(
      (async () => {
        // Sleep until the inactivity deadline; if progress moved it, sleep again.
        for (;;) {
          const idleFor = clock.now() - lastProgressAt;
          if (idleFor >= inactivityMs) break;
          await clock.sleep(inactivityMs - idleFor, watchdogs.signal);
        }
        attempt.abort(
          wfmError("WFM-PHASE-INACTIVE", {
            message: `No progress for ${inactivityMs} ms${lastNote === undefined ? "" : ` (last progress: ${lastNote})`}; the attempt was aborted.`,
            context,
          }),
        );
      })(),
    );
  }
  // A watchdog's sleep rejects when the attempt ends and it is cancelled;
  // anything else it throws (a broken clock) aborts the attempt instead.
  const watching = timers.map((timer) =>
    timer.catch((error: unknown) => {
      if (!watchdogs.signal.aborted) attempt.abort(error);
    }),
  );

  const running = work({
    signal: attempt.signal,
    progress(note) {
      lastProgressAt = clock.now();
      lastNote = note;
    },
  });
  try {
    return await Promise.race([running, stopped]);
  } finally {
    options.signal?.removeEventListener("abort", onOuterAbort);
    watchdogs.abort();
    await Promise.all(watching);
    if (attempt.signal.aborted) {
      // The abandoned attempt may still settle later; its outcome is already
      // represented by the abort reason thrown above.
      running.catch(ignoreAbandoned);
    }
  }
}

function ignoreAbandoned(_error: unknown): void {
  // The abort reason, not this late failure, is what the caller acts on.
}
