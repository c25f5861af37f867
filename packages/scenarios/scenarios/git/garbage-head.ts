import { garbageHead } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { GIT_PHASES } from "../../src/workflows/git-workflow.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";
import { followCommand } from "./follow-command.js";

export default defineScenario({
  name: "git/garbage-head",
  tags: ["git", "corruption", "person"],
  description:
    ".git/HEAD is overwritten with garbage at a seeded phase: the run pauses with WFM-GIT-HEAD-INVALID, the person runs its command (which writes HEAD back), and the resumed run completes with the change once.",
  faults: ["git:garbage-head"],
  expect: "completed",
  run: (context) =>
    runGitCase(context, {
      corruption: {
        corruptor: garbageHead,
        phase: context.seeds.stream("plan").pick(GIT_PHASES),
      },
      person: followCommand,
    }),
});
