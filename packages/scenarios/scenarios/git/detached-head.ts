import { detachedHead } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";
import { followCommand } from "./follow-command.js";

export default defineScenario({
  name: "git/detached-head",
  tags: ["git", "person"],
  description:
    "HEAD is detached at a seeded phase: the run pauses with an actionable error, a person runs its command (`git switch -c …` or `git switch <branch>`), and the resumed run completes with the change on the remote once.",
  faults: ["git:detached-head"],
  expect: "completed",
  run: (context) =>
    runGitCase(context, {
      corruption: {
        corruptor: detachedHead,
        phase: context.seeds.stream("plan").pick(["preflight", "commit", "push"] as const),
      },
      person: followCommand,
    }),
});
