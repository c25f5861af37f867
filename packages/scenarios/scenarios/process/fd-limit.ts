import { defineScenario } from "../../src/scenario.js";
import { runProcessCase } from "../../src/workflows/process-ledger-case.js";

export default defineScenario({
  name: "process/fd-limit",
  tags: ["resources", "environmental"],
  description:
    "The child runs under `prlimit --nofile` low enough (seeded, 70 to 80) that the resource guard finds fewer than 64 descriptors free: the run pauses with WFM-FD-LOW before writing a phase; resumed without the limit, it completes, every effect once.",
  faults: ["process:limit"],
  expect: "completed",
  run: async (context) => {
    const openFiles = context.seeds.stream("plan").int(70, 80);
    const { observation, exit } = await runProcessCase(context, {
      limits: { openFiles },
      guard: {},
    });
    if (!exit.limits.every((limit) => limit.available)) {
      throw new Error(`The descriptor limit could not be applied: ${JSON.stringify(exit.limits)}`);
    }
    return observation;
  },
});
