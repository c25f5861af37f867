import type { Scenario } from "../src/scenario.js";
import connectionResets from "./engine/connection-resets.js";
import crashAtFaultPoint from "./engine/crash-at-fault-point.js";
import ghostWrites from "./engine/ghost-writes.js";
import noFaultBaseline from "./engine/no-fault-baseline.js";
import outageThenHeal from "./engine/outage-then-heal.js";
import rateLimitHour from "./engine/rate-limit-hour.js";
import rollbackAfterCrash from "./engine/rollback-after-crash.js";
import { GIT_SCENARIOS } from "./git/index.js";
import { GITHUB_SCENARIOS } from "./github/index.js";
import { NETWORK_SCENARIOS } from "./network/index.js";
import { PROCESS_SCENARIOS } from "./process/index.js";
import { STATE_SCENARIOS } from "./state/index.js";

/** Every scenario in the suite, in the order reports list them. */
export const SCENARIOS: readonly Scenario[] = [
  noFaultBaseline,
  crashAtFaultPoint,
  ghostWrites,
  connectionResets,
  rateLimitHour,
  outageThenHeal,
  rollbackAfterCrash,
  ...STATE_SCENARIOS,
  ...PROCESS_SCENARIOS,
  ...GITHUB_SCENARIOS,
  ...GIT_SCENARIOS,
  ...NETWORK_SCENARIOS,
];
