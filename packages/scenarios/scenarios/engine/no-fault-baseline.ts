import { defineScenario } from "../../src/scenario.js";
import { runLedgerCase } from "../../src/workflows/run-ledger-case.js";

export default defineScenario({
  name: "engine/no-fault-baseline",
  tags: ["baseline"],
  description: "The workflow with no faults at all: it must complete, every effect once.",
  faults: [],
  expect: "completed",
  run: (context) => runLedgerCase(context),
});
