import type { FaultPoint, FaultPointContext, FaultPoints } from "../ports/index.js";

/** What an in-process crash throws: "the process died here". */
export class CrashSentinel extends Error {
  constructor(
    readonly point: FaultPoint,
    readonly context: FaultPointContext | undefined,
    readonly hit: number,
  ) {
    super(`crash at hit ${hit}: ${point}${context?.phase ? ` (${context.phase})` : ""}`);
    this.name = "CrashSentinel";
  }
}

export interface Hit {
  point: FaultPoint;
  phase: string | undefined;
}

/** Records every fault point hit, in order; never fires. */
export function recordingFaultPoints(): FaultPoints & { hits: Hit[] } {
  const hits: Hit[] = [];
  return {
    hits,
    hit(point, context) {
      hits.push({ point, phase: context?.phase });
      return Promise.resolve();
    },
  };
}

/** Throws a CrashSentinel at the n-th hit (1-based); records hits. */
export function crashAtHit(n: number): FaultPoints & { hits: Hit[]; fired: boolean } {
  const state = { hits: [] as Hit[], fired: false };
  return {
    get hits() {
      return state.hits;
    },
    get fired() {
      return state.fired;
    },
    hit(point, context) {
      state.hits.push({ point, phase: context?.phase });
      if (state.hits.length === n) {
        state.fired = true;
        return Promise.reject(new CrashSentinel(point, context, n));
      }
      return Promise.resolve();
    },
  };
}

/** Throws a CrashSentinel at the first hit of `point` (in `phase`, when given). */
export function crashAt(point: FaultPoint, phase?: string): FaultPoints & { fired: boolean } {
  const state = { fired: false, count: 0 };
  return {
    get fired() {
      return state.fired;
    },
    hit(hitPoint, context) {
      state.count += 1;
      if (!state.fired && hitPoint === point && (phase === undefined || context?.phase === phase)) {
        state.fired = true;
        return Promise.reject(new CrashSentinel(hitPoint, context, state.count));
      }
      return Promise.resolve();
    },
  };
}
