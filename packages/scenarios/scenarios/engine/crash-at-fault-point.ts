import { createSeededFaultPoints } from "@workflowmaster/chaos";
import { FAULT_POINTS } from "@workflowmaster/core";
import { defineScenario } from "../../src/scenario.js";
import { runLedgerCase } from "../../src/workflows/run-ledger-case.js";

// Points the engine and run store reach while running the ledger workflow.
const ENGINE_POINTS = FAULT_POINTS.filter(
  (point) => point.startsWith("engine.") || point.startsWith("state."),
).filter((point) => point !== "engine.phase.compensated");

export default defineScenario({
  name: "engine/crash-at-fault-point",
  tags: ["crash", "transient"],
  description:
    "The process dies at a seeded fault point (a seeded point, at its 1st to 5th hit); a restarted engine resumes and must finish with every effect exactly once.",
  faults: ["engine:throw"],
  expect: "completed",
  run: (context) => {
    const random = context.seeds.stream("fault-points");
    const point = random.pick(ENGINE_POINTS);
    return runLedgerCase(context, {
      faultPoints: createSeededFaultPoints({
        random,
        journal: context.journal,
        plan: [{ point, nth: random.int(1, 5), action: "throw" }],
      }),
    });
  },
});
