import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/outage-then-heal",
  tags: ["github", "outage", "transient"],
  description:
    "GitHub answers every request with 503 for a seeded 2 to 15 minutes, starting in a seeded phase: retried within the policy, paused with an actionable transient error when the outage outlasts it, and completed when the supervisor resumes after it heals.",
  faults: ["github:server-error"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    const from = context.clock.now() + plan.int(0, 6_000);
    return runGithubCase(context, {
      // A resume spends its retry budget in seconds while GitHub is down: allow one a minute.
      maxResumes: 30,
      faults: [
        {
          from,
          until: from + plan.int(2, 15) * 60_000,
          fault: { kind: "server-error", status: 503 },
        },
      ],
    });
  },
});
