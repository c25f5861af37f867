import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

const WRITES = [
  { endpoint: "issues.createLabel", permission: "issues=write" },
  { endpoint: "issues.create", permission: "issues=write" },
  { endpoint: "git.createRef", permission: "contents=write" },
  { endpoint: "pulls.create", permission: "pull_requests=write" },
  { endpoint: "issues.createComment", permission: "issues=write" },
] as const;

export default defineScenario({
  name: "github/permission-removed-mid-run",
  tags: ["github", "auth"],
  description:
    "The token loses the permission a seeded write needs (403 Resource not accessible by integration): the run pauses with WFM-GITHUB-PERMISSION-DENIED naming the permission; once a person grants it again, the resumed run completes.",
  faults: ["github:permission-denied"],
  expect: "completed",
  run: (context) => {
    const write = context.seeds.stream("plan").pick(WRITES);
    return runGithubCase(context, {
      overrides: [{ endpoint: write.endpoint, fault: { kind: "permission-denied" } }],
      person: (error, controls) => {
        if (
          error.code !== "WFM-GITHUB-PERMISSION-DENIED" ||
          !error.guidance.includes(write.permission)
        ) {
          throw new Error(
            `Expected a pause naming ${write.permission}, got ${error.code}: ${error.guidance}`,
          );
        }
        // The permission is granted again: the overriding rule goes.
        controls.sim.faults.reset();
      },
    });
  },
});
