import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/token-revoked-mid-run",
  tags: ["github", "auth"],
  description:
    "The token is revoked from a seeded request on (401 Bad credentials): the run pauses with WFM-GITHUB-BAD-CREDENTIALS and the renew-the-token command, needing a person; the person exports a new token and the resumed run completes, nothing duplicated.",
  faults: ["github:token-revoked"],
  expect: "completed",
  run: (context) =>
    runGithubCase(context, {
      faults: [{ nth: context.seeds.stream("plan").int(2, 16), fault: { kind: "token-revoked" } }],
      person: (error, controls) => {
        if (
          error.code !== "WFM-GITHUB-BAD-CREDENTIALS" ||
          !/gh auth token/.test(error.command ?? "")
        ) {
          throw new Error(
            `Expected a pause asking for a new token, got ${error.code}: ${error.message}`,
          );
        }
        controls.renewToken();
      },
    }),
});
