import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/ghost-write-label",
  tags: ["github", "ghost-write", "transient"],
  description:
    "GitHub creates the label but the answer is lost (the connection drops, or a 502 page comes back, by seed): the adapter must find it by its marker before sending anything again, so it exists exactly once.",
  faults: ["github:ghost-write"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    return runGithubCase(context, {
      faults: [
        {
          endpoint: "issues.createLabel",
          nth: 1,
          fault: { kind: "ghost-write", response: plan.pick(["drop", 502] as const) },
        },
      ],
    });
  },
});
