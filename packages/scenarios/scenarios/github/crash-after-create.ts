import { createSeededFaultPoints } from "@workflowmaster/chaos";
import { FaultPoint } from "@workflowmaster/core";
import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

// Where the process can die with a GitHub object created but not yet recorded.
const POINTS = [
  { point: FaultPoint.GithubIssueCreated, nth: 1 },
  { point: FaultPoint.GithubPullRequestCreated, nth: 1 },
  { point: FaultPoint.PhaseEffectApplied, nth: 1 },
  { point: FaultPoint.PhaseEffectApplied, nth: 2 },
  { point: FaultPoint.PhaseEffectApplied, nth: 3 },
  { point: FaultPoint.PhaseEffectApplied, nth: 4 },
  { point: FaultPoint.PhaseEffectApplied, nth: 5 },
];

export default defineScenario({
  name: "github/crash-after-create",
  tags: ["crash", "transient"],
  description:
    "The process dies right after GitHub acknowledged a create (the issue, the pull request, or any phase's effect), before the result is journaled: a restarted engine finds the object by its marker and completes, each object exactly once.",
  faults: ["engine:throw"],
  expect: "completed",
  run: (context) => {
    const random = context.seeds.stream("fault-points");
    return runGithubCase(context, {
      faultPoints: createSeededFaultPoints({
        random,
        journal: context.journal,
        plan: [{ ...random.pick(POINTS), action: "throw" }],
      }),
    });
  },
});
