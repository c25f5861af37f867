import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createFaultJournal,
  createSeed,
  createVirtualClock,
  type FaultEntry,
  replayCommand,
} from "@workflowmaster/chaos";
import { type Check, checkCase } from "./checkers.js";
import type { Observation, Scenario } from "./scenario.js";

export interface CaseResult {
  scenario: string;
  seed: number;
  ok: boolean;
  checks: Check[];
  observation?: Omit<Observation, "live" | "applications"> & {
    live: string[];
    applications: Record<string, number>;
  };
  /** An exception that escaped the scenario: always a failure. */
  crash?: string;
  faults: FaultEntry[];
  replay: string;
  realMs: number;
}

/** Runs one scenario under one seed, isolated in its own temporary directory. */
export async function runCase(scenario: Scenario, seed: number): Promise<CaseResult> {
  const workDir = await mkdtemp(join(tmpdir(), "wfm-chaos-"));
  const clock = createVirtualClock();
  const journal = createFaultJournal(clock);
  const started = performance.now();
  const base = { scenario: scenario.name, seed, replay: replayCommand(scenario.name, seed) };
  try {
    const observation = await scenario.run({
      scenario: scenario.name,
      seed,
      seeds: createSeed(seed),
      clock,
      journal,
      workDir,
    });
    const checks = checkCase(scenario, observation);
    return {
      ...base,
      ok: checks.every((check) => check.verdict !== "fail"),
      checks,
      observation: {
        ...observation,
        live: [...observation.live].sort(),
        applications: Object.fromEntries(observation.applications),
      },
      faults: journal.entries(),
      realMs: performance.now() - started,
    };
  } catch (error) {
    return {
      ...base,
      ok: false,
      checks: [],
      crash: error instanceof Error ? (error.stack ?? error.message) : String(error),
      faults: journal.entries(),
      realMs: performance.now() - started,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

export interface SuiteOptions {
  seeds: readonly number[];
  /** Cases run at once; each is isolated, so this only bounds load. */
  concurrency?: number;
  onCase?: (result: CaseResult) => void;
}

/** Runs every scenario under every seed. */
export async function runSuite(
  scenarios: readonly Scenario[],
  options: SuiteOptions,
): Promise<CaseResult[]> {
  const queue = scenarios.flatMap((scenario) => options.seeds.map((seed) => ({ scenario, seed })));
  const results: CaseResult[] = new Array(queue.length);
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const index = next++;
      const item = queue[index];
      if (item === undefined) return;
      const result = await runCase(item.scenario, item.seed);
      results[index] = result;
      options.onCase?.(result);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return results;
}
