import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/ghost-write-branch",
  tags: ["github", "ghost-write", "transient"],
  description:
    "GitHub creates the branch's ref but the answer is lost (dropped, or a 502 page, by seed): the ref is looked up before the create is sent again, or GitHub's 422 Reference already exists is adopted because it points at the run's commit.",
  faults: ["github:ghost-write"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    return runGithubCase(context, {
      faults: [
        {
          endpoint: "git.createRef",
          nth: 1,
          fault: { kind: "ghost-write", response: plan.pick(["drop", 502] as const) },
        },
      ],
    });
  },
});
