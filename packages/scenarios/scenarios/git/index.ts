import type { Scenario } from "../../src/scenario.js";

/** The git scenarios, in report order. */
export const GIT_SCENARIOS: readonly Scenario[] = [];
