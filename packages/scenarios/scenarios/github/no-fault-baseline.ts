import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/no-fault-baseline",
  tags: ["baseline"],
  description:
    "The GitHub workflow (label, issue, branch, pull request, comment) through the real adapter with no faults: it must complete with every object exactly once.",
  faults: [],
  expect: "completed",
  run: (context) => runGithubCase(context),
});
