import { createFaultFileSystem, FsErrno, FsOperation } from "@workflowmaster/chaos";
import { defineScenario } from "../../src/scenario.js";
import { MEMORY_ROOT, runStateCase } from "../../src/workflows/state-ledger-case.js";

export default defineScenario({
  name: "state/eio-on-journal",
  tags: ["disk", "io-error", "environmental"],
  description:
    "One write or fsync of the journal fails with EIO at a seeded call: the store stops writing and the run stops with WFM-DISK-IO (code, guidance, command); resumed, the damaged tail is dropped and the run completes, every effect once.",
  faults: ["fs:EIO"],
  expect: "completed",
  run: (context) => {
    const plan = context.seeds.stream("plan");
    const runId = `run-${context.seed}`;
    const fs = createFaultFileSystem({
      random: context.seeds.stream("fs"),
      journal: context.journal,
      clock: context.clock,
      rules: [
        {
          fault: FsErrno.Eio,
          operation: plan.pick([FsOperation.Write, FsOperation.Sync]),
          path: `${MEMORY_ROOT}/runs/${runId}/journal.ndjson`,
          nth: plan.int(1, 10),
        },
      ],
    });
    return runStateCase(context, { runId, fs: () => fs, root: MEMORY_ROOT });
  },
});
