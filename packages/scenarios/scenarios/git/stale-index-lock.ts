import { staleIndexLock } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { GIT_PHASES } from "../../src/workflows/git-workflow.js";
import { runGitCase } from "../../src/workflows/git-workflow-case.js";

export default defineScenario({
  name: "git/stale-index-lock",
  tags: ["git", "transient"],
  description:
    "A crashed git left a torn index.lock an hour old at a seeded phase: the next guard removes it by itself and the change lands on the remote exactly once.",
  faults: ["git:stale-index-lock"],
  expect: "completed",
  run: (context) =>
    runGitCase(context, {
      corruption: {
        corruptor: staleIndexLock,
        phase: context.seeds.stream("plan").pick(GIT_PHASES),
      },
    }),
});
