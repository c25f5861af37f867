import { defineScenario } from "../../src/scenario.js";
import { runProcessCase } from "../../src/workflows/process-ledger-case.js";

const MiB = 1024 * 1024;

export default defineScenario({
  name: "process/memory-limit",
  tags: ["resources", "environmental"],
  description:
    "The child runs in a cgroup v1 memory cgroup of a seeded 120 to 160 MiB, so less memory is free to it than the guard's 200 MiB: the run pauses with WFM-MEMORY-LOW before writing a phase; resumed outside the cgroup, it completes, every effect once. Where no cgroup v1 memory controller is writable, the case fails: it does not pass untested.",
  faults: ["process:limit"],
  expect: "completed",
  run: async (context) => {
    const memoryBytes = context.seeds.stream("plan").int(120, 160) * MiB;
    // runChild refuses (throws) when the cgroup cannot be made: a loud failure.
    const { observation } = await runProcessCase(context, {
      limits: { memoryBytes },
      guard: { minFreeMemoryBytes: 200 * MiB },
    });
    return observation;
  },
});
