import { createFaultFileSystem, FsErrno, FsOperation } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { MEMORY_ROOT, runStateCase } from "../../src/workflows/state-ledger-case.js";

const PHASES = ["issue", "branch", "commit", "push", "pull-request"];

export default defineScenario({
  name: "state/disk-full-at-phase",
  tags: ["disk", "environmental"],
  description:
    "The run store's disk fills (every write ENOSPC) at a seeded write of a seeded phase: the run stops with WFM-DISK-FULL (code, guidance, command), a supervisor frees space and resumes; it completes with every effect once and no acknowledged record lost.",
  faults: ["fs:ENOSPC"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    const phase = plan.pick(PHASES);
    const nth = plan.int(1, 3);
    const fs = createFaultFileSystem({
      random: context.seeds.stream("fs"),
      journal: context.journal,
      clock: context.clock,
    });
    let full = false;
    return runStateCase(context, {
      fs: () => fs,
      root: MEMORY_ROOT,
      onEvent: (event) => {
        if (full || event.type !== "phase.started" || event.phase !== phase) return;
        full = true;
        // From here on the disk has no room, until someone frees it.
        fs.use({
          fault: FsErrno.Enospc,
          operation: [FsOperation.Write, FsOperation.Truncate],
          nth,
          times: Number.MAX_SAFE_INTEGER,
        });
      },
      supervise: (error) => {
        if (error.code === "WFM-DISK-FULL") fs.reset();
      },
    });
  },
});
