import { mkdir, open, rename } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createEngine,
  createRetryBudget,
  type Engine,
  nodeFileSystem,
  nodePorts,
  systemClock,
} from "@workflowmaster/core";
import { withBenchDir } from "../bench-dir.js";
import { Direction, type Figure } from "../figure.js";
import { interleavedSamples, pairedMedian } from "../interleaved-samples.js";
import { median } from "../median.js";
import { pairedRounds } from "../paired-rounds.js";
import { harnessFileSystem, type Slowdown } from "../slowdown.js";
import type { Suite } from "../suite.js";
import { round3, sampleRunState } from "./checkpoint-suite.js";
import {
  type BenchInput,
  DEV_PHASES,
  type Effect,
  runBare,
  syntheticWorkflow,
} from "./synthetic-workflow.js";

const PHASES = DEV_PHASES.length;

/** The hardened engine as production builds it: real disk, system clock, a retry budget. */
function hardenedEngine(root: string, slowdown: Slowdown | undefined): Engine {
  const ports = nodePorts({ fs: harnessFileSystem(nodeFileSystem, slowdown) });
  return createEngine({ ports, root, budget: createRetryBudget({}, systemClock) });
}

function runners(dir: string, effect: Effect, slowdown: Slowdown | undefined) {
  const workflow = syntheticWorkflow(effect);
  const engine = hardenedEngine(join(dir, ".workflowmaster"), slowdown);
  const input: BenchInput = { title: "Add a greeting" };
  const ports = nodePorts();
  const controller = new AbortController();
  let runs = 0;
  return {
    hardened: async () => {
      runs += 1;
      const outcome = await engine.start(workflow, { runId: `bench-${runs}`, input });
      if (outcome.state !== "completed") {
        throw new Error(
          `The benchmark run ended ${outcome.state}: ${outcome.error?.message ?? "no error"}`,
        );
      }
    },
    bare: async () => {
      runs += 1;
      await runBare(workflow, `bench-${runs}`, input, {
        attempt: 1,
        signal: controller.signal,
        progress: () => undefined,
        ports,
      });
    },
  };
}

/**
 * Engine cost per phase with no latency: a 7-phase synthetic workflow
 * through the hardened engine (journal, snapshot per phase, event log,
 * retry wrappers, run lock) vs the same phases called bare. The gated ratio
 * expresses the added cost per phase in units of the disk's atomic-write
 * floor measured in the same rounds, so a faster or slower disk moves both.
 */
export const engineSuite: Suite = {
  name: "engine",
  run: (context) =>
    withBenchDir("engine", async (dir) => {
      const { hardened, bare } = runners(dir, async () => undefined, context.slowdown);
      const floorDir = join(dir, "floor");
      await mkdir(floorDir);
      const bytes = Buffer.from(JSON.stringify(sampleRunState(), null, 2));
      let counter = 0;
      const floorAtomic = async () => {
        counter += 1;
        const temp = join(floorDir, `.tmp-${counter}`);
        const handle = await open(temp, "wx");
        await handle.write(bytes);
        await handle.sync();
        await handle.close();
        await rename(temp, join(floorDir, "snapshot.json"));
        const directory = await open(floorDir, "r");
        await directory.sync();
        await directory.close();
      };
      context.log("engine: 7 phases through the hardened engine vs bare, no latency");
      const samples = 40;
      const durations = await interleavedSamples({
        samples,
        warmup: 3,
        tasks: { hardened, bare, floorAtomic },
      });
      const at = (name: string, index: number) => durations[name]?.[index] ?? Number.NaN;
      const addedPerPhase = (index: number) => (at("hardened", index) - at("bare", index)) / PHASES;
      const figures: Figure[] = [
        {
          id: "engine.per-phase-vs-floor",
          suite: "engine",
          title: "Engine cost per phase, in atomic-write floors (no latency)",
          value: pairedMedian(samples, (round) => addedPerPhase(round) / at("floorAtomic", round)),
          direction: Direction.LowerIsBetter,
          details: {
            "added ms per phase": round3(pairedMedian(samples, addedPerPhase)),
            "hardened run p50 ms": round3(median(durations.hardened ?? [])),
            "bare run p50 ms": round3(median(durations.bare ?? [])),
            "floor p50 ms": round3(median(durations.floorAtomic ?? [])),
            "hardened / bare": Math.round(
              pairedMedian(samples, (round) => at("hardened", round) / at("bare", round)),
            ),
            phases: PHASES,
            samples,
          },
        },
      ];
      return figures;
    }),
};

/** 50 ms per GitHub call (and per git or local step), 100 ms per push: real time. */
const LATENCY_MS: Record<string, number> = {
  github: 50,
  git: 50,
  local: 50,
  push: 100,
};

/**
 * Workflow overhead with realistic latency: the same 7 phases, each effect
 * a real-time `setTimeout` wait (50 ms, push 100 ms), hardened vs bare.
 */
export const workflowLatencySuite: Suite = {
  name: "workflow-latency",
  run: (context) =>
    withBenchDir("latency", async (dir) => {
      const effect: Effect = (service) => sleep(LATENCY_MS[service] ?? 50);
      const { hardened, bare } = runners(dir, effect, context.slowdown);
      context.log("workflow-latency: 7 phases with 50/100 ms effects, hardened vs bare");
      const rounds = 3;
      const p50 = await pairedRounds({
        rounds,
        time: 0,
        iterations: 3,
        warmupIterations: 1,
        tasks: { hardened, bare },
      });
      const ratios = (p50.hardened ?? []).map((value, round) => value / (p50.bare?.[round] ?? 0));
      return [
        {
          id: "workflow.overhead-with-latency",
          suite: "workflow-latency",
          title: "Workflow with 50/100 ms effects: hardened / bare",
          value: median(ratios),
          direction: Direction.LowerIsBetter,
          target: 1.02,
          details: {
            "hardened p50 ms": round3(median(p50.hardened ?? [])),
            "bare p50 ms": round3(median(p50.bare ?? [])),
            "effects ms": Object.values(DEV_PHASES).reduce(
              (sum, phase) => sum + (LATENCY_MS[phase.service] ?? 50),
              0,
            ),
            effect: "setTimeout (real time), not the simulator or real git",
            rounds,
          },
        },
      ];
    }),
};
