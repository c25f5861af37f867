import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/eventual-consistency",
  tags: ["github", "consistency", "transient"],
  description:
    "The new branch stays invisible to reads and to pull-request creation for a seeded 2.5-3.5 s: the create answers 422 head invalid, the adapter re-checks the branch and tries once more; completed, one pull request.",
  faults: ["github:eventual-consistency"],
  expect: "completed",
  run: (context) =>
    runGithubCase(context, {
      faults: [
        {
          endpoint: "git.createRef",
          nth: 1,
          fault: {
            kind: "eventual-consistency",
            ms: context.seeds.stream("plan").int(2_500, 3_500),
          },
        },
      ],
      verify: (sim) => {
        const refused = sim
          .requests()
          .filter((request) => request.endpoint === "pulls.create" && request.status === 422);
        if (refused.length === 0) {
          throw new Error(
            "Expected a pull-request create refused with 422 while the branch was invisible.",
          );
        }
      },
    }),
});
