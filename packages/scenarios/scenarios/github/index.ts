import type { Scenario } from "../../src/scenario.js";

/** The github scenarios, in report order. */
export const GITHUB_SCENARIOS: readonly Scenario[] = [];
