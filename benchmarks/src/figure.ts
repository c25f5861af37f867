/** Which way a figure gets worse. */
export const Direction = {
  /** A cost: higher is worse. */
  LowerIsBetter: "lower-is-better",
  /** A share kept (throughput): lower is worse. */
  HigherIsBetter: "higher-is-better",
} as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

/**
 * One benchmark figure. `value` is always a ratio (or a count ratio)
 * measured against a baseline taken in the same run, so it holds on a
 * noisy, shared machine; absolute times are kept only as context in
 * `details` and are never gated on.
 */
export interface Figure {
  /** Stable id, the key in `baseline.json` (`checkpoint.snapshot`). */
  id: string;
  /** The suite that measures it, so a gate can measure it again. */
  suite: string;
  title: string;
  value: number;
  direction: Direction;
  /** The project's target for this figure, when it has one (`value <= 1.5`). */
  target?: number;
  /** How it was measured and the same-run numbers behind it. */
  details: Record<string, number | string>;
}

/** Whether a figure meets its target (true when it has none). */
export function meetsTarget(figure: Figure): boolean {
  if (figure.target === undefined) return true;
  return figure.direction === Direction.LowerIsBetter
    ? figure.value <= figure.target
    : figure.value >= figure.target;
}
