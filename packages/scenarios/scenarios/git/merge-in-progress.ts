import { mergeInProgress } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { GIT_PHASES } from "../../src/workflows/git-workflow.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";
import { followCommand } from "./follow-command.js";

export default defineScenario({
  name: "git/merge-in-progress",
  tags: ["git", "person"],
  description:
    "A conflicting merge is left half done at a seeded phase: the run pauses (WFM-GIT-MERGE-IN-PROGRESS), a person runs `git merge --abort` as told, and the resumed run completes without losing the change.",
  faults: ["git:merge-in-progress"],
  expect: "completed",
  run: (context) =>
    runGitCase(context, {
      corruption: {
        corruptor: mergeInProgress,
        phase: context.seeds.stream("plan").pick(GIT_PHASES),
      },
      person: followCommand,
    }),
});
