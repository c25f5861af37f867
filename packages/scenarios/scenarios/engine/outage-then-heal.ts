import { defineScenario } from "../../src/scenario.js";
import { runLedgerCase } from "../../src/workflows/run-ledger-case.js";

export default defineScenario({
  name: "engine/outage-then-heal",
  tags: ["network", "transient", "outage"],
  description:
    "A total outage longer than the retry policy: the run pauses with an actionable error instead of retrying forever, and completes when resumed after the outage heals.",
  faults: ["github:outage"],
  expect: "completed",
  run: (context) =>
    runLedgerCase(context, {
      faults: { outage: { calls: context.seeds.stream("plan").int(6, 14) } },
    }),
});
