import { remoteMovedOn } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";

export default defineScenario({
  name: "git/remote-moved-on",
  tags: ["git", "transient"],
  description:
    "Someone else pushes a non-conflicting commit to the run's branch before the commit or the push: the push is rejected, fetched and rebased by itself, and the change lands once on top of theirs.",
  faults: ["git:remote-moved-on"],
  expect: "completed",
  run: (context) =>
    runGitCase(context, {
      corruption: {
        corruptor: remoteMovedOn,
        phase: context.seeds.stream("plan").pick(["commit", "push"] as const),
      },
    }),
});
