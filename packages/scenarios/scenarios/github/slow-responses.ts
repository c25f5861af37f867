import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/slow-responses",
  tags: ["github", "latency", "transient"],
  description:
    "A third of the requests are answered after a seeded 0.5 to 8 s of (virtual) latency: the workflow waits for the answers and completes with every object once.",
  faults: ["github:latency"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    return runGithubCase(context, {
      faults: [{ probability: 0.33, fault: { kind: "latency", ms: plan.int(500, 8_000) } }],
    });
  },
});
