import type { Suite } from "../suite.js";
import { checkpointSuite } from "./checkpoint-suite.js";
import { devOverheadSuite } from "./dev-overhead-suite.js";
import { engineSuite, workflowLatencySuite } from "./engine-suite.js";
import { hungConnectionSuite } from "./hung-connection-suite.js";
import { proxySuite } from "./proxy-suite.js";
import { retryOutageSuite } from "./retry-outage-suite.js";
import { runMemorySuite } from "./run-memory-suite.js";
import { suiteThroughputSuite } from "./suite-throughput-suite.js";

/** Every suite `pnpm bench` runs, in order. */
export const SUITES: readonly Suite[] = [
  checkpointSuite,
  engineSuite,
  workflowLatencySuite,
  proxySuite,
  retryOutageSuite,
  hungConnectionSuite,
  devOverheadSuite,
  runMemorySuite,
  suiteThroughputSuite,
];
