import { createFaultFileSystem, startCpuHogs } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { MEMORY_ROOT, runStateCase } from "../../src/workflows/state-ledger-case.js";

export default defineScenario({
  name: "process/cpu-contention",
  tags: ["resources", "cpu", "transient"],
  description:
    "Busy threads load every core for ~200 ms while the workflow runs (run store on an in-memory disk): slower, but it completes, every effect once.",
  faults: ["process:cpu-hogs"],
  expect: "completed",
  run: async (context) => {
    const fs = createFaultFileSystem({
      random: context.seeds.stream("fs"),
      journal: context.journal,
    });
    const hogs = startCpuHogs({ durationMs: 200, journal: context.journal });
    try {
      return await runStateCase(context, { fs: () => fs, root: MEMORY_ROOT });
    } finally {
      await hogs.stop();
    }
  },
});
