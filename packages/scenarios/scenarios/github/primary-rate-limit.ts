import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/primary-rate-limit",
  tags: ["github", "rate-limit", "transient"],
  description:
    "A seeded request empties the primary rate-limit bucket, resetting an hour away: the adapter waits it out in virtual time (announcing rate-limit.waiting) and the run completes; recovery excludes the wait GitHub mandated.",
  faults: ["github:primary-rate-limit"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    return runGithubCase(context, {
      faults: [
        {
          nth: plan.int(1, 16),
          fault: {
            kind: "primary-rate-limit",
            status: plan.pick([403, 429] as const),
            resetAfterMs: 3_600_000,
          },
        },
      ],
      expectEvents: ["rate-limit.waiting"],
    });
  },
});
