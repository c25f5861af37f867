import { mkdir, open, readdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import {
  createRunStore,
  nodeFileSystem,
  nodeProcessSpawner,
  noFaultPoints,
  systemClock,
  systemRandom,
} from "@workflowmaster/core";
import { withBenchDir } from "../bench-dir.js";
import { Direction, type Figure } from "../figure.js";
import { interleavedSamples, pairedMedian } from "../interleaved-samples.js";
import { median } from "../median.js";
import { harnessFileSystem } from "../slowdown.js";
import type { Suite } from "../suite.js";

/** A run state the size the engine snapshots for a 7-phase workflow. */
export function sampleRunState(phases = 7): Record<string, unknown> {
  return {
    runId: "bench-run",
    workflow: "bench",
    state: "running",
    input: { title: "Add a greeting", body: "Say hello in the README." },
    phases: Array.from({ length: phases }, (_, index) => ({
      name: `phase-${index + 1}`,
      status: index < 3 ? "completed" : "pending",
      attempts: index < 3 ? 1 : 0,
      value: index < 3 ? { key: `bench-run:phase-${index + 1}`, number: 40 + index } : null,
    })),
  };
}

const SAMPLES = 600;

/**
 * The run store's checkpoint (`store.snapshot`) and journal append, each
 * against the physical floor of the same bytes on the same disk: a bare
 * write + fsync + rename + directory fsync, and a bare append + fsync.
 */
export const checkpointSuite: Suite = {
  name: "checkpoint",
  run: (context) =>
    withBenchDir("checkpoint", async (dir) => {
      const store = await createRunStore({
        fs: harnessFileSystem(nodeFileSystem, context.slowdown),
        clock: systemClock,
        random: systemRandom,
        spawner: nodeProcessSpawner,
        faultPoints: noFaultPoints,
        root: join(dir, ".workflowmaster"),
        runId: "bench-run",
      });
      try {
        const state = sampleRunState();
        const data = { phase: "phase-3", value: { key: "bench-run:phase-3", number: 42 } };
        await store.append("phase.result", data);
        await store.snapshot(state);
        // The floor writes exactly the bytes the store wrote.
        const snapshotDir = join(store.dir, "snapshots");
        const [snapshotName] = (await readdir(snapshotDir)).filter((n) => n.endsWith(".json"));
        const snapshotBytes = await readFile(join(snapshotDir, snapshotName as string));
        const journal = await readFile(join(store.dir, "journal.ndjson"), "utf8");
        const lineBytes = Buffer.from(`${journal.trimEnd().split("\n").at(-1)}\n`);

        const floorDir = join(dir, "floor");
        await mkdir(floorDir);
        const floorTarget = join(floorDir, "snapshot.json");
        let counter = 0;
        const floorAtomic = async () => {
          counter += 1;
          const temp = join(floorDir, `.tmp-${counter}`);
          const handle = await open(temp, "wx");
          await handle.write(snapshotBytes);
          await handle.sync();
          await handle.close();
          await rename(temp, floorTarget);
          const directory = await open(floorDir, "r");
          await directory.sync();
          await directory.close();
        };
        const floorJournal = await open(join(floorDir, "journal.ndjson"), "a");
        try {
          const floorAppend = async () => {
            await floorJournal.write(lineBytes);
            await floorJournal.sync();
          };
          context.log("checkpoint: snapshot and append vs the bare fsync floor");
          const durations = await interleavedSamples({
            samples: SAMPLES,
            tasks: {
              snapshot: () => store.snapshot(state),
              floorAtomic,
              append: () => store.append("phase.result", data),
              floorAppend,
            },
          });
          const at = (name: string, index: number) => durations[name]?.[index] ?? Number.NaN;
          const ratio = (a: string, b: string) =>
            pairedMedian(SAMPLES, (index) => at(a, index) / at(b, index));
          const ms = (name: string) => round3(median(durations[name] ?? []));
          const snapshot: Figure = {
            id: "checkpoint.snapshot",
            suite: "checkpoint",
            title: "Checkpoint (store.snapshot) vs write+fsync+rename+dir fsync",
            value: ratio("snapshot", "floorAtomic"),
            direction: Direction.LowerIsBetter,
            target: 1.5,
            details: {
              "snapshot p50 ms": ms("snapshot"),
              "floor p50 ms": ms("floorAtomic"),
              bytes: snapshotBytes.length,
              samples: SAMPLES,
            },
          };
          const append: Figure = {
            id: "checkpoint.append",
            suite: "checkpoint",
            title: "Journal append (store.append) vs append+fsync",
            value: ratio("append", "floorAppend"),
            direction: Direction.LowerIsBetter,
            target: 1.5,
            details: {
              "append p50 ms": ms("append"),
              "floor p50 ms": ms("floorAppend"),
              bytes: lineBytes.length,
              samples: SAMPLES,
            },
          };
          return [snapshot, append];
        } finally {
          await floorJournal.close();
        }
      } finally {
        await store.close();
      }
    }),
};

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
