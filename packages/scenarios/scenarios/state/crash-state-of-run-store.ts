import {
  CrashMode,
  createFaultFileSystem,
  createSeededFaultPoints,
  type FaultFileSystem,
} from "@workflowmaster/chaos";
import { FAULT_POINTS } from "@workflowmaster/core";
import { defineScenario } from "../../src/scenario.js";
import { MEMORY_ROOT, runStateCase } from "../../src/workflows/state-ledger-case.js";

// Points the engine and run store reach while running the ledger workflow.
const POINTS = FAULT_POINTS.filter(
  (point) => point.startsWith("engine.") || point.startsWith("state."),
).filter((point) => point !== "engine.phase.compensated");

export default defineScenario({
  name: "state/crash-state-of-run-store",
  tags: ["crash", "power-loss", "transient"],
  description:
    "Power is lost at a seeded fault point: the disk keeps a seeded part of what was not fsync'd (writes lost, torn, or kept; directory operations lost or kept). A new engine on the disk the crash left resumes (or starts again) and completes, every effect exactly once.",
  faults: ["engine:throw", "fs:crash"],
  expect: "completed",
  run: (context) => {
    const random = context.seeds.stream("fault-points");
    let fs: FaultFileSystem = createFaultFileSystem({
      random: context.seeds.stream("fs"),
      journal: context.journal,
      clock: context.clock,
    });
    return runStateCase(context, {
      fs: () => fs,
      root: MEMORY_ROOT,
      faultPoints: createSeededFaultPoints({
        random,
        journal: context.journal,
        plan: [{ point: random.pick(POINTS), nth: random.int(1, 5), action: "throw" }],
      }),
      afterCrash: () => {
        fs = fs.crash(CrashMode.Seeded).fs;
      },
    });
  },
});
