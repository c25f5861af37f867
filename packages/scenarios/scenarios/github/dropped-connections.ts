import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/dropped-connections",
  tags: ["github", "network", "transient"],
  description:
    "Connections drop before GitHub handles a seeded read and a seeded write (one to three times each): retried, the write looked up first; completed, nothing duplicated.",
  faults: ["github:drop-connection"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    return runGithubCase(context, {
      faults: [
        {
          method: "GET",
          nth: plan.int(1, 11),
          times: plan.int(1, 3),
          fault: { kind: "drop-connection" },
        },
        {
          method: "POST",
          nth: plan.int(1, 5),
          times: plan.int(1, 3),
          fault: { kind: "drop-connection" },
        },
      ],
    });
  },
});
