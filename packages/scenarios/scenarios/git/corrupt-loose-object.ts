import { emptyLooseObject, truncatedLooseObject } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { GIT_PHASES } from "../../src/workflows/git-workflow.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";

export default defineScenario({
  name: "git/corrupt-loose-object",
  tags: ["git", "corruption"],
  description:
    "A loose object reachable from HEAD is emptied or cut in half at a seeded phase: the run pauses with WFM-GIT-REPOSITORY-CORRUPT before writing anything else, the remote is untouched and the change is still in the working tree. git fsck (the command) diagnoses but cannot repair, so the run stays paused for a person.",
  faults: ["git:empty-loose-object", "git:truncated-loose-object"],
  expect: "paused",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    return runGitCase(context, {
      corruption: {
        corruptor: plan.pick([emptyLooseObject, truncatedLooseObject]),
        phase: plan.pick(GIT_PHASES),
      },
    });
  },
});
