import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/secondary-rate-limit",
  tags: ["github", "rate-limit", "transient"],
  description:
    "One or two seeded requests hit a secondary rate limit, with a retry-after header in some seeds and without one in others (then at least a minute, doubling): waited out, completed, nothing duplicated.",
  faults: ["github:secondary-rate-limit"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    const hinted = plan.next() < 0.5;
    return runGithubCase(context, {
      faults: [
        {
          nth: plan.int(1, 16),
          times: plan.int(1, 2),
          fault: {
            kind: "secondary-rate-limit",
            status: plan.pick([403, 429] as const),
            ...(hinted ? { retryAfterSeconds: plan.int(5, 120) } : {}),
          },
        },
      ],
      expectEvents: ["rate-limit.waiting"],
    });
  },
});
