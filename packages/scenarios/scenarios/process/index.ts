import type { Scenario } from "../../src/scenario.js";

/** The process scenarios, in report order. */
export const PROCESS_SCENARIOS: readonly Scenario[] = [];
