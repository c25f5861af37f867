import { conflictingRemoteChange } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";
import { resolveConflict } from "./follow-command.js";

export default defineScenario({
  name: "git/conflicting-remote-change",
  tags: ["git", "conflict", "person"],
  description:
    "Just before the push, someone else pushes a different version of the run's file to its branch: the rebase conflicts and is aborted, the run pauses with WFM-GIT-PUSH-CONFLICT naming the file, nothing is lost; a person runs the command, keeps the run's version, continues the rebase and resumes: the change lands once.",
  faults: ["git:conflicting-remote-change"],
  expect: "completed",
  run: (context) =>
    runGitCase(context, {
      corruption: {
        corruptor: conflictingRemoteChange,
        phase: "push",
      },
      person: resolveConflict,
    }),
});
