import type { Scenario } from "../../src/scenario.js";

/** The network scenarios, in report order. */
export const NETWORK_SCENARIOS: readonly Scenario[] = [];
