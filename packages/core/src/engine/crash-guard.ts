import type { FaultPoints } from "../ports/index.js";

/**
 * A fault point that throws means "the process died here" (the harness's
 * in-process crash). The engine must then behave as a dead process would:
 * write nothing more, emit nothing more, release nothing, and let the error
 * out untouched. This wrapper remembers that it happened, so every layer
 * (the run store, the retry loop, the engine) can tell a crash from an
 * ordinary failure without knowing anything about the harness. Production
 * passes `noFaultPoints`, which never throws, so this costs nothing there.
 */
export interface CrashGuard {
  /** Give this to the run store and use it for the engine's own points. */
  readonly faultPoints: FaultPoints;
  readonly crashed: boolean;
  /** What the fault point threw. */
  readonly crash: unknown;
  /**
   * Registers what a dying process loses: open files are closed by the
   * kernel. Run when the crash happens, before it propagates.
   */
  onCrash(abandon: () => Promise<void>): void;
  /** Failures while abandoning: kept, since the crash itself must propagate untouched. */
  readonly abandonErrors: readonly unknown[];
}

export function guardFaultPoints(inner: FaultPoints): CrashGuard {
  let crashed = false;
  let crash: unknown;
  const abandoners: (() => Promise<void>)[] = [];
  const abandonErrors: unknown[] = [];
  return {
    faultPoints: {
      async hit(point, context) {
        // A dead process reaches no further point.
        if (crashed) throw crash;
        try {
          await inner.hit(point, context);
        } catch (error) {
          crashed = true;
          crash = error;
          for (const abandon of abandoners.splice(0)) {
            try {
              await abandon();
            } catch (abandonError) {
              abandonErrors.push(abandonError);
            }
          }
          throw error;
        }
      },
    },
    get crashed() {
      return crashed;
    },
    get crash() {
      return crash;
    },
    onCrash(abandon) {
      abandoners.push(abandon);
    },
    abandonErrors,
  };
}
