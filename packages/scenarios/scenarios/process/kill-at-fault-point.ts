import type { SeededRandom } from "@workflowmaster/chaos";
import { FAULT_POINTS } from "@workflowmaster/core";
import { defineScenario } from "../../src/scenario.js";
import { runProcessCase } from "../../src/workflows/process-ledger-case.js";

// Points a ledger run reaches: engine.phase.* once per phase and
// state.journal.* per record, each at least 5 times; state.snapshot.* once,
// since the engine snapshots at the end of a turn. So every kill lands.
const POINTS = FAULT_POINTS.filter(
  (point) => point.startsWith("engine.phase.") || point.startsWith("state."),
).filter((point) => point !== "engine.phase.compensated" && point !== "state.lock.acquired");

function pickHit(random: SeededRandom) {
  const point = random.pick(POINTS);
  const nth = random.int(1, 5);
  return { point, nth: point.startsWith("state.snapshot.") ? 1 : nth };
}

export default defineScenario({
  name: "process/kill-at-fault-point",
  tags: ["crash", "kill", "transient"],
  description:
    "A real child process running the workflow is SIGKILLed at a seeded fault point (its 1st to 5th hit); this process then resumes the run on the same disk (taking over the dead child's lock) and completes it, every effect exactly once.",
  faults: ["process:SIGKILL"],
  expect: "completed",
  run: async (context) => {
    const random = context.seeds.stream("fault-points");
    const { observation, exit } = await runProcessCase(context, {
      killAt: { ...pickHit(random), signal: "SIGKILL" },
    });
    if (exit.kill?.by === "point" && exit.kill.reached === undefined) {
      throw new Error(
        `The child never reached ${exit.kill.point} #${exit.kill.nth}: the kill did not happen.`,
      );
    }
    return observation;
  },
});
