import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { z } from "zod";
import { journalOption } from "../fault-points/option-schemas.js";
import type { FaultJournal } from "../journal/fault-journal.js";
import { FaultLayer } from "../journal/fault-layer.js";
import { parseOptions } from "../options/parse-options.js";

export interface CpuHogsOptions {
  /** Busy worker threads. Default `os.availableParallelism()`: every core. */
  workers?: number;
  /** Real milliseconds after which the hogs stop by themselves. Default: until `stop()`. */
  durationMs?: number;
  /** Start and stop are recorded here (layer `process`). */
  journal?: FaultJournal;
}

/** One hog's work so far. */
export interface CpuHogStats {
  /** Loop iterations spun. */
  readonly spins: number;
  /** CPU time of the hog's own thread (/proc/thread-self/stat); undefined where not Linux. */
  readonly cpuMs: number | undefined;
}

export interface CpuHogs {
  readonly workers: number;
  /** Hogs still spinning. */
  readonly running: number;
  stats(): CpuHogStats[];
  /** Resolves once every hog has ended, by its duration or by `stop()`. */
  readonly done: Promise<void>;
  /** Terminates every hog; resolves when all have exited. */
  stop(): Promise<void>;
}

const optionsSchema = z.strictObject({
  workers: z
    .number({ error: "must be a whole number of threads above 0" })
    .int("must be a whole number of threads above 0")
    .positive("must be a whole number of threads above 0")
    .optional(),
  durationMs: z
    .number({ error: "must be a whole number of ms above 0" })
    .int("must be a whole number of ms above 0")
    .positive("must be a whole number of ms above 0")
    .optional(),
  journal: journalOption.optional(),
});

// Plain CommonJS so it runs as an eval'd worker without a TypeScript loader.
// It spins, and now and then publishes its spins and its thread's CPU time
// to shared memory, which the parent reads without asking.
const HOG_SOURCE = `
const { workerData } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const { stats, index, durationMs } = workerData;
const cells = new Float64Array(stats);
const linux = process.platform === "linux";
// utime + stime are fields 14 and 15, after the ")" that ends the thread name; 100 ticks a second.
const cpuMs = () => {
  const text = readFileSync("/proc/thread-self/stat", "utf8");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const end = durationMs === undefined ? Infinity : Date.now() + durationMs;
let spins = 0;
let sink = 0;
for (;;) {
  for (let i = 0; i < 200000; i++) sink = (sink * 31 + i) % 1000003;
  spins += 200000;
  cells[index * 2] = spins;
  cells[index * 2 + 1] = linux ? cpuMs() : NaN;
  if (Date.now() >= end) break;
}
if (sink < 0) throw new Error("unreachable");
`;

/**
 * CPU contention: busy worker threads in this process, one per core by
 * default, so everything else on the machine (the engine under test, its
 * child processes) competes for the CPU. Stop them with `stop()`.
 */
export function startCpuHogs(options: CpuHogsOptions = {}): CpuHogs {
  const parsed = parseOptions(optionsSchema, options, "startCpuHogs options");
  const count = parsed.workers ?? availableParallelism();
  const journal = options.journal;
  const shared = new SharedArrayBuffer(count * 2 * Float64Array.BYTES_PER_ELEMENT);
  const cells = new Float64Array(shared);
  let running = count;
  const exits: Promise<void>[] = [];
  const workers: Worker[] = [];
  for (let index = 0; index < count; index += 1) {
    const worker = new Worker(HOG_SOURCE, {
      eval: true,
      workerData: { stats: shared, index, durationMs: parsed.durationMs },
    });
    workers.push(worker);
    exits.push(
      new Promise<void>((resolve, reject) => {
        worker.on("error", reject);
        worker.on("exit", () => {
          running -= 1;
          resolve();
        });
      }),
    );
  }
  journal?.record({
    layer: FaultLayer.Process,
    fault: "cpu-hogs",
    target: `pid ${process.pid}`,
    outcome: "started",
    detail: {
      workers: count,
      ...(parsed.durationMs === undefined ? {} : { durationMs: parsed.durationMs }),
    },
  });
  const done = Promise.all(exits).then(() => {
    journal?.record({
      layer: FaultLayer.Process,
      fault: "cpu-hogs",
      target: `pid ${process.pid}`,
      outcome: "stopped",
      detail: {
        workers: count,
        spins: cells.reduce((sum, value, i) => (i % 2 === 0 ? sum + value : sum), 0),
      },
    });
  });
  return {
    workers: count,
    get running() {
      return running;
    },
    stats: () =>
      workers.map((_, index) => {
        const cpuMs = cells[index * 2 + 1] ?? Number.NaN;
        return { spins: cells[index * 2] ?? 0, cpuMs: Number.isNaN(cpuMs) ? undefined : cpuMs };
      }),
    done,
    async stop() {
      await Promise.all(workers.map((worker) => worker.terminate()));
      await done;
    },
  };
}
