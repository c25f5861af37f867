import { createFaultFileSystem, createSeededFaultPoints, FaultLayer } from "@workflowmaster/chaos";
import { FaultPoint } from "@workflowmaster/core";
import { defineScenario } from "../../src/scenario.js";
import { MEMORY_ROOT, runStateCase } from "../../src/workflows/state-ledger-case.js";

export default defineScenario({
  name: "state/torn-journal",
  tags: ["crash", "torn-write", "transient"],
  description:
    "The process dies after a journal record is written but before it is fsync'd (not acknowledged), and that record is torn at a seeded byte. Only the unacknowledged tail is torn: tearing acknowledged bytes is data loss no store can prevent. The resumed run drops the torn tail and completes, every effect exactly once.",
  faults: ["engine:throw", "fs:torn-write"],
  expect: "completed",
  run: (context) => {
    const random = context.seeds.stream("fault-points");
    const runId = `run-${context.seed}`;
    const fs = createFaultFileSystem({
      random: context.seeds.stream("fs"),
      journal: context.journal,
      clock: context.clock,
    });
    const journalPath = `${MEMORY_ROOT}/runs/${runId}/journal.ndjson`;
    return runStateCase(context, {
      runId,
      fs: () => fs,
      root: MEMORY_ROOT,
      faultPoints: createSeededFaultPoints({
        random,
        journal: context.journal,
        // The 2nd to 12th record: the 1st is run.created, whose loss only undoes the start.
        plan: [{ point: FaultPoint.JournalWritten, nth: random.int(2, 12), action: "throw" }],
      }),
      afterCrash: async () => {
        const bytes = await fs.readFile(journalPath);
        // The last record (the one not yet fsync'd) starts after the previous newline.
        const end = bytes.at(-1) === 0x0a ? bytes.length - 1 : bytes.length;
        const start = bytes.lastIndexOf(0x0a, end - 1) + 1;
        if (end - start < 2) {
          throw new Error(`The journal's last record at ${start} is too short to tear.`);
        }
        const cut = random.int(start + 1, end - 1);
        await fs.truncate(journalPath, cut);
        context.journal.record({
          layer: FaultLayer.Fs,
          fault: "torn-write",
          target: journalPath,
          outcome: "truncated",
          detail: { recordStart: start, recordEnd: end, cut },
        });
      },
    });
  },
});
