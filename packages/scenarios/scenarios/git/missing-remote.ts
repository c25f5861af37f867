import { missingRemote } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { GIT_PHASES } from "../../src/workflows/git-workflow.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";
import { followCommand } from "./follow-command.js";

export default defineScenario({
  name: "git/missing-remote",
  tags: ["git", "person"],
  description:
    "The origin remote is removed at a seeded phase: the run pauses with WFM-GIT-REMOTE-MISSING, a person runs `git remote add origin <url>` with the repository's URL, and the resumed run completes.",
  faults: ["git:missing-remote"],
  expect: "completed",
  run: (context) =>
    runGitCase(context, {
      corruption: {
        corruptor: missingRemote,
        phase: context.seeds.stream("plan").pick(GIT_PHASES),
      },
      person: followCommand,
    }),
});
