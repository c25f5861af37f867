import type { Suite } from "../suite.js";
import { checkpointSuite } from "./checkpoint-suite.js";
import { engineSuite, workflowLatencySuite } from "./engine-suite.js";
import { proxySuite } from "./proxy-suite.js";
import { retryOutageSuite } from "./retry-outage-suite.js";

/** Every suite `pnpm bench` runs, in order. */
export const SUITES: readonly Suite[] = [
  checkpointSuite,
  engineSuite,
  workflowLatencySuite,
  proxySuite,
  retryOutageSuite,
];
