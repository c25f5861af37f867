import { createFaultFileSystem, FsErrno } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { MEMORY_ROOT, runStateCase } from "../../src/workflows/state-ledger-case.js";

const PHASES = ["issue", "branch", "commit", "push", "pull-request"];

export default defineScenario({
  name: "state/permission-denied-run-store",
  tags: ["disk", "permissions", "environmental"],
  description:
    "From a seeded phase on, every call under the run directory fails with EACCES (its mode was changed): the run stops with WFM-FS-PERMISSION-DENIED (code, guidance, command); once the permissions are fixed it resumes and completes, every effect once.",
  faults: ["fs:EACCES"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    const phase = plan.pick(PHASES);
    const nth = plan.int(1, 4);
    const runId = `run-${context.seed}`;
    const fs = createFaultFileSystem({
      random: context.seeds.stream("fs"),
      journal: context.journal,
      clock: context.clock,
    });
    let denied = false;
    return runStateCase(context, {
      runId,
      fs: () => fs,
      root: MEMORY_ROOT,
      onEvent: (event) => {
        if (denied || event.type !== "phase.started" || event.phase !== phase) return;
        denied = true;
        fs.use({
          fault: FsErrno.Eacces,
          path: `${MEMORY_ROOT}/runs/${runId}*`,
          nth,
          times: Number.MAX_SAFE_INTEGER,
        });
      },
      // The supervisor runs the error's command (a chmod); permissions are back.
      supervise: (error) => {
        if (error.code === "WFM-FS-PERMISSION-DENIED") fs.reset();
      },
    });
  },
});
