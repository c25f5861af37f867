import { createSeededFaultPoints } from "@workflowmaster/chaos";
import { FaultPoint } from "@workflowmaster/core";
import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/rollback-with-drops",
  tags: ["crash", "rollback", "network"],
  description:
    "The process dies after the issue, branch or pull request is recorded; the rollback's closes and ref deletion lose their connections one or two times: each compensation is retried safely and nothing open is left.",
  faults: ["engine:throw", "github:drop-connection"],
  expect: "rolled-back",
  run: (context) => {
    const random = context.seeds.stream("fault-points");
    const plan = context.seeds.stream("plan");
    return runGithubCase(context, {
      maxResumes: 0,
      rollback: true,
      faultPoints: createSeededFaultPoints({
        random,
        journal: context.journal,
        plan: [{ point: FaultPoint.PhaseResultRecorded, nth: random.int(2, 4), action: "throw" }],
      }),
      // Only a rollback closes (PATCH) or deletes (DELETE): the run itself is untouched.
      faults: [
        { method: "PATCH", nth: 1, times: plan.int(1, 2), fault: { kind: "drop-connection" } },
        { method: "DELETE", nth: 1, fault: { kind: "drop-connection" } },
      ],
    });
  },
});
