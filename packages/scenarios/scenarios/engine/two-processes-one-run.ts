import { defineScenario } from "../../src/scenario.js";
import { runTwoProcessesOneRun } from "../../src/workflows/state-concurrent-runs.js";

export default defineScenario({
  name: "engine/two-processes-one-run",
  tags: ["concurrency", "lock", "crash"],
  description:
    "A run left half-done by a process that died at a seeded point is resumed by two live processes at the same moment (seeded store latency interleaves them): one is refused with WFM-RUN-LOCKED, the other completes the run, every effect exactly once.",
  faults: ["engine:throw", "fs:latency"],
  expect: "completed",
  run: (context) => runTwoProcessesOneRun(context),
});
