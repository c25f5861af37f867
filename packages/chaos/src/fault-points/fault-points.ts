/**
 * Where the engine is when it reaches a fault point. Structurally the same as
 * core's `FaultPointContext`.
 */
export interface FaultPointContext {
  /** The phase being run, where there is one. */
  phase?: string;
  /** The run, where there is one. */
  runId?: string;
}

/**
 * Named dangerous moments (FoundationDB's BUGGIFY idea). Structurally core's
 * `FaultPoints` port: the engine calls `hit(point)` and the harness decides,
 * from the seed, whether to throw, kill or delay there.
 */
export interface FaultPoints {
  hit(point: string, context?: FaultPointContext): Promise<void>;
}

/** How often each point was reached, in first-hit order. */
export type FaultPointHits = Record<string, number>;
