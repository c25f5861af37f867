import { defineScenario } from "../../src/scenario.js";
import { runLedgerCase } from "../../src/workflows/run-ledger-case.js";

export default defineScenario({
  name: "engine/rate-limit-hour",
  tags: ["github", "rate-limit", "transient"],
  description:
    "A primary rate limit (403, remaining 0) resetting in one hour: the engine waits exactly as GitHub asks, in virtual time, then completes.",
  faults: ["github:rate-limit"],
  expect: "completed",
  run: (context) =>
    runLedgerCase(context, {
      faults: {
        rateLimit: { nthCall: context.seeds.stream("plan").int(1, 5), resetInMs: 3_600_000 },
      },
      retry: { deadlineMs: 2 * 3_600_000 },
    }),
});
