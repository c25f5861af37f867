import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/server-errors-burst",
  tags: ["github", "5xx", "transient"],
  description:
    "Bursts of 502 (GitHub's HTML page) and 503 on a seeded read and a seeded write: retried with backoff in virtual time, every failed create looked up before it is sent again; completed, nothing duplicated.",
  faults: ["github:server-error"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    const status = () => plan.pick([502, 503] as const);
    return runGithubCase(context, {
      faults: [
        {
          method: "GET",
          nth: plan.int(1, 11),
          times: plan.int(2, 4),
          fault: { kind: "server-error", status: status() },
        },
        {
          method: "POST",
          nth: plan.int(1, 5),
          times: plan.int(1, 3),
          fault: { kind: "server-error", status: status() },
        },
      ],
    });
  },
});
