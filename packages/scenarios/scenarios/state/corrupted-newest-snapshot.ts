import { posix } from "node:path";
import { createFaultFileSystem, createSeededFaultPoints, FaultLayer } from "@workflowmaster/chaos";
import { FaultPoint } from "@workflowmaster/core";
import { defineScenario } from "../../src/scenario.js";
import { MEMORY_ROOT, runStateCase } from "../../src/workflows/state-ledger-case.js";

export default defineScenario({
  name: "state/corrupted-newest-snapshot",
  tags: ["crash", "corruption", "transient"],
  description:
    "The process dies after a seeded phase; a seeded bit of the newest snapshot then flips on disk. The resumed run must notice (checksum), fall back to an older snapshot or the journal, and complete with every effect exactly once.",
  faults: ["engine:throw", "fs:bit-flip"],
  expect: "completed",
  run: (context) => {
    const random = context.seeds.stream("fault-points");
    const runId = `run-${context.seed}`;
    const fs = createFaultFileSystem({
      random: context.seeds.stream("fs"),
      journal: context.journal,
      clock: context.clock,
    });
    const snapshots = `${MEMORY_ROOT}/runs/${runId}/snapshots`;
    return runStateCase(context, {
      runId,
      fs: () => fs,
      root: MEMORY_ROOT,
      // A snapshot after every phase, so there are older ones to fall back to
      // (the default snapshots once per turn, and the journal is the fallback).
      snapshotEvery: 1,
      faultPoints: createSeededFaultPoints({
        random,
        journal: context.journal,
        plan: [{ point: FaultPoint.PhaseResultRecorded, nth: random.int(2, 5), action: "throw" }],
      }),
      afterCrash: async () => {
        const names = (await fs.readdir(snapshots)).filter((name) => name.startsWith("snapshot-"));
        const newest = names.sort().at(-1);
        if (newest === undefined) {
          throw new Error(`No snapshot in ${snapshots} after the crash: nothing to corrupt.`);
        }
        const path = posix.join(snapshots, newest);
        const bytes = await fs.readFile(path);
        const offset = random.int(0, bytes.length - 1);
        const bit = random.int(0, 7);
        const flipped = new Uint8Array([(bytes[offset] ?? 0) ^ (1 << bit)]);
        const handle = await fs.open(path, "r+");
        try {
          await handle.write(flipped, offset);
          await handle.sync();
        } finally {
          await handle.close();
        }
        context.journal.record({
          layer: FaultLayer.Fs,
          fault: "bit-flip",
          target: path,
          outcome: "flipped",
          detail: { offset, bit, size: bytes.length },
        });
      },
    });
  },
});
