import type { Figure } from "./figure.js";
import type { Slowdown } from "./slowdown.js";

export interface SuiteContext {
  /** The test-only slowdown to apply to the hardened path, if any. */
  slowdown: Slowdown | undefined;
  /** Progress lines for the person waiting. */
  log(line: string): void;
}

/** A group of figures measured together (they share their same-run baselines). */
export interface Suite {
  readonly name: string;
  run(context: SuiteContext): Promise<Figure[]>;
}
