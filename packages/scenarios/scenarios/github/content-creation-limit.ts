import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/content-creation-limit",
  tags: ["github", "rate-limit", "transient"],
  description:
    "GitHub's content-creation limit, lowered to one or two creations a minute so the workflow's own issue, pull request and comment trip it: the blocked create is waited out and sent once more, never twice.",
  faults: ["github:content-creation-limit"],
  expect: "completed",
  run: (context) =>
    runGithubCase(context, {
      contentCreationPerMinute: context.seeds.stream("plan").int(1, 2),
      expectEvents: ["rate-limit.waiting"],
    }),
});
