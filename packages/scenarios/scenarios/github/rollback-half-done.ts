import { createSeededFaultPoints } from "@workflowmaster/chaos";
import { FaultPoint } from "@workflowmaster/core";
import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/rollback-half-done",
  tags: ["crash", "rollback"],
  description:
    "The process dies once the issue and the branch exist (after the branch's result is recorded, or after the pull request's intent): the half-done run is rolled back, closing the issue and deleting the branch; nothing open is left.",
  faults: ["engine:throw"],
  expect: "rolled-back",
  run: (context) => {
    const random = context.seeds.stream("fault-points");
    const crash = random.pick([
      { point: FaultPoint.PhaseResultRecorded, nth: 3 },
      { point: FaultPoint.PhaseIntentRecorded, nth: 4 },
    ]);
    return runGithubCase(context, {
      maxResumes: 0,
      rollback: true,
      faultPoints: createSeededFaultPoints({
        random,
        journal: context.journal,
        plan: [{ ...crash, action: "throw" }],
      }),
    });
  },
});
