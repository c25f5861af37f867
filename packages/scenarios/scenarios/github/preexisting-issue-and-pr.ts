import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/preexisting-issue-and-pr",
  tags: ["github", "idempotency", "transient"],
  description:
    "The run's issue and pull request (with its branch at the run's commit) already exist, carrying its markers, as after a lost earlier attempt: they are adopted, not created again.",
  faults: ["github:preexisting-issue", "github:preexisting-pull"],
  expect: "completed",
  run: (context) =>
    runGithubCase(context, {
      preexisting: true,
      verify: (sim) => {
        const creates = sim
          .requests()
          .filter(
            (request) =>
              request.endpoint === "issues.create" || request.endpoint === "pulls.create",
          );
        if (creates.length > 0) {
          throw new Error(
            `Expected the existing issue and pull request to be adopted; saw ${creates.length} creates.`,
          );
        }
      },
    }),
});
