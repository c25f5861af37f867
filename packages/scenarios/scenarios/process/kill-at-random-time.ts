import { defineScenario } from "../../src/scenario.js";
import { runProcessCase } from "../../src/workflows/process-ledger-case.js";

export default defineScenario({
  name: "process/kill-at-random-time",
  tags: ["crash", "kill", "transient"],
  description:
    "A real child process running the workflow is SIGKILLed after a seeded number of real milliseconds (from start-up to the end of the run); this process resumes (or starts again) and completes the run, every effect exactly once. Where the kill lands varies with the machine's speed: what must hold holds wherever it lands.",
  faults: ["process:SIGKILL"],
  expect: "completed",
  run: async (context) => {
    const afterMs = context.seeds.stream("plan").int(40, 200);
    const { observation } = await runProcessCase(context, {
      killAt: { afterMs, signal: "SIGKILL" },
    });
    return observation;
  },
});
