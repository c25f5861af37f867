import { createSeededFaultPoints } from "@workflowmaster/chaos";
import { FAULT_POINTS } from "@workflowmaster/core";
import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

// Points the engine, the run store and the GitHub adapter reach in this workflow.
const POINTS = FAULT_POINTS.filter(
  (point) =>
    (point.startsWith("engine.") || point.startsWith("state.") || point.startsWith("github.")) &&
    point !== "engine.phase.compensated",
);

export default defineScenario({
  name: "github/crash-at-fault-point",
  tags: ["crash", "transient"],
  description:
    "The process dies at a seeded fault point (engine, run store or GitHub adapter, at its 1st to 5th hit): a restarted engine with a fresh client resumes and completes, every GitHub object exactly once.",
  faults: ["engine:throw"],
  expect: "completed",
  run: (context) => {
    const random = context.seeds.stream("fault-points");
    const point = random.pick(POINTS);
    const github = point.startsWith("github.");
    const snapshot = point.startsWith("state.snapshot.");
    return runGithubCase(context, {
      faultPoints: createSeededFaultPoints({
        random,
        journal: context.journal,
        // The adapter's and the snapshot's points are hit once per run; the
        // others once per phase or record.
        plan: [{ point, nth: github || snapshot ? 1 : random.int(1, 5), action: "throw" }],
      }),
    });
  },
});
