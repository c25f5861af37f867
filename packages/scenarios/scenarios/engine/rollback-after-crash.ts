import { createSeededFaultPoints } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { runLedgerCase } from "../../src/workflows/run-ledger-case.js";

export default defineScenario({
  name: "engine/rollback-after-crash",
  tags: ["crash", "rollback"],
  description:
    "The process dies after a seeded number of phases; the half-done run is rolled back and must leave nothing behind.",
  faults: ["engine:throw"],
  expect: "rolled-back",
  run: (context) => {
    const random = context.seeds.stream("fault-points");
    return runLedgerCase(context, {
      maxResumes: 0,
      rollback: true,
      faultPoints: createSeededFaultPoints({
        random,
        journal: context.journal,
        plan: [{ point: "engine.phase.result-recorded", nth: random.int(1, 4), action: "throw" }],
      }),
    });
  },
});
