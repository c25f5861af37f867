import { defineScenario } from "../../src/scenario.js";
import { runLedgerCase } from "../../src/workflows/run-ledger-case.js";

export default defineScenario({
  name: "engine/connection-resets",
  tags: ["network", "transient"],
  description:
    "A third of the calls fail with a connection reset before reaching the service: retried with backoff in virtual time, completed, nothing duplicated.",
  faults: ["github:reset"],
  expect: "completed",
  run: (context) => runLedgerCase(context, { faults: { resetBeforeApply: 0.33 } }),
});
