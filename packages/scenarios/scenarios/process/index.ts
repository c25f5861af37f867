import type { Scenario } from "../../src/scenario.js";
import cpuContention from "./cpu-contention.js";
import fdLimit from "./fd-limit.js";
import killAtFaultPoint from "./kill-at-fault-point.js";
import killAtRandomTime from "./kill-at-random-time.js";
import memoryLimit from "./memory-limit.js";

/** The process scenarios, in report order. */
export const PROCESS_SCENARIOS: readonly Scenario[] = [
  killAtFaultPoint,
  killAtRandomTime,
  fdLimit,
  memoryLimit,
  cpuContention,
];
