import { defineScenario } from "../../src/scenario.js";
import { runTwoRunsOneRepository } from "../../src/workflows/state-concurrent-runs.js";

export default defineScenario({
  name: "engine/two-runs-one-repository",
  tags: ["concurrency", "lock"],
  description:
    "Two runs (different ids) start at once in one repository and change the same world, their store calls interleaved by seeded latency: both complete, each effect once, neither disturbing the other.",
  faults: ["fs:latency"],
  expect: "completed",
  run: (context) => runTwoRunsOneRepository(context),
});
