import { defineScenario } from "../../src/scenario.js";
import { runLedgerCase } from "../../src/workflows/run-ledger-case.js";

export default defineScenario({
  name: "engine/ghost-writes",
  tags: ["github", "transient"],
  description:
    "Half the writes are applied but their response is lost (connection reset): the engine must reconcile before retrying and never apply an effect twice.",
  faults: ["github:ghost-write"],
  expect: "completed",
  run: (context) => runLedgerCase(context, { faults: { ghostWrite: 0.5 } }),
});
