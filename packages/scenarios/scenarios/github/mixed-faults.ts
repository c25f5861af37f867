import type { GithubFault } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { runGithubCase } from "../../src/workflows/github-workflow-case.js";

export default defineScenario({
  name: "github/mixed-faults",
  tags: ["github", "5xx", "network", "ghost-write", "transient"],
  description:
    "Every request risks a fault, drawn per request from the seed: 502/503, a dropped connection, a ghost write, a hinted secondary limit. The run must still complete with every object exactly once.",
  faults: ["github:server-error", "github:drop-connection", "github:ghost-write"],
  expect: "completed",
  run: (context) => {
    const rule = (fault: GithubFault, probability: number, method?: "POST") => ({
      fault,
      probability,
      ...(method === undefined ? {} : { method }),
    });
    return runGithubCase(context, {
      faults: [
        rule({ kind: "ghost-write", response: 502 }, 0.15, "POST"),
        rule({ kind: "server-error", status: 502 }, 0.08),
        rule({ kind: "drop-connection" }, 0.08),
        rule({ kind: "server-error", status: 503 }, 0.05),
        rule({ kind: "secondary-rate-limit", retryAfterSeconds: 20 }, 0.03),
      ],
    });
  },
});
