import type { Scenario } from "../../src/scenario.js";

/** The state scenarios, in report order. */
export const STATE_SCENARIOS: readonly Scenario[] = [];
