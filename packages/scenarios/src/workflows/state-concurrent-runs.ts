import { join } from "node:path";
import {
  createFaultFileSystem,
  createSeededFaultPoints,
  type FaultFileSystem,
  FsOperation,
} from "@workflowmaster/chaos";
import type { FaultPoints, ProcessSpawner, RunOutcome } from "@workflowmaster/core";
import {
  createEngine,
  createRetryBudget,
  FaultPoint,
  isWorkflowMasterError,
  nodePorts,
  nodeProcessSpawner,
} from "@workflowmaster/core";
import { createLedger } from "@workflowmaster/core/testing";
import type { Observation, ScenarioContext, SeenError } from "../scenario.js";
import { seenError } from "../scenario.js";
import { createFaultyWorld } from "../world/faulty-world.js";
import { ledgerWorkflow } from "./ledger-workflow.js";
import { isCrash, MEMORY_ROOT } from "./state-ledger-case.js";

/** Live processes on one host: each pid is alive until `die(pid)`. */
function liveProcesses() {
  const alive = new Set<number>();
  let next = 5_000_000;
  return {
    spawn(): ProcessSpawner {
      next += 1;
      const pid = next;
      alive.add(pid);
      return {
        pid,
        isAlive: (candidate) => alive.has(candidate),
        run: (command, args, options) => nodeProcessSpawner.run(command, args, options),
      };
    },
    die(pid: number) {
      alive.delete(pid);
    },
  };
}

function setUp(context: ScenarioContext) {
  const ledger = createLedger(join(context.workDir, "world.ndjson"));
  const world = createFaultyWorld({
    ledger,
    random: context.seeds.stream("world"),
    journal: context.journal,
    now: () => context.clock.now(),
    faults: {},
  });
  const workflow = ledgerWorkflow({ ledger, world });
  // Seeded latency on the run store's calls reorders how the two
  // processes' steps interleave, so each seed tests another interleaving.
  const fs: FaultFileSystem = createFaultFileSystem({
    random: context.seeds.stream("fs"),
    journal: context.journal,
    clock: context.clock,
    rules: [
      {
        fault: { latencyMs: context.seeds.stream("plan").int(1, 20) },
        operation: [FsOperation.Open, FsOperation.Sync, FsOperation.Rename],
        probability: 0.3,
      },
    ],
  });
  const processes = liveProcesses();
  const engineFor = (spawner: ProcessSpawner, faultPoints?: FaultPoints) =>
    createEngine({
      ports: nodePorts({
        fs,
        clock: context.clock,
        random: context.seeds.stream(`engine-${spawner.pid}`),
        spawner,
        ...(faultPoints === undefined ? {} : { faultPoints }),
      }),
      root: MEMORY_ROOT,
      budget: createRetryBudget({}, context.clock),
    });
  return { ledger, workflow, processes, engineFor };
}

/**
 * Two processes resume one run at the same moment: the run was left
 * half-done by a process that died at a seeded point; both new processes
 * are alive, so exactly one may hold the run's lock. The other must be
 * refused with WFM-RUN-LOCKED, and the run must complete once.
 */
export async function runTwoProcessesOneRun(context: ScenarioContext): Promise<Observation> {
  const { ledger, workflow, processes, engineFor } = setUp(context);
  const runId = `run-${context.seed}`;
  const started = context.clock.now();
  const random = context.seeds.stream("fault-points");
  const first = processes.spawn();
  const faultPoints = createSeededFaultPoints({
    random,
    journal: context.journal,
    plan: [
      {
        point: random.pick([
          FaultPoint.PhaseIntentRecorded,
          FaultPoint.PhaseEffectApplied,
          FaultPoint.PhaseResultRecorded,
        ]),
        nth: random.int(1, 4),
        action: "throw",
      },
    ],
  });
  try {
    const outcome = await engineFor(first, faultPoints).start(workflow, {
      runId,
      input: { title: context.scenario },
    });
    throw new Error(`The first process was to die at a fault point; it ended ${outcome.state}.`);
  } catch (error) {
    if (!isCrash(error)) throw error;
  }
  processes.die(first.pid);

  const errors: SeenError[] = [];
  // Refused at the lock (WFM-RUN-LOCKED), or — when both took over the dead
  // holder's lock in the same instant, as the lock allows — fenced at its
  // first write, before any effect (WFM-RUN-FENCED).
  const REFUSALS = new Set(["WFM-RUN-LOCKED", "WFM-RUN-FENCED"]);
  const resume = async (): Promise<RunOutcome | "refused"> => {
    try {
      const outcome = await engineFor(processes.spawn()).resume(workflow, runId);
      if (outcome.error !== undefined) errors.push(seenError(outcome.error));
      return outcome.error !== undefined && REFUSALS.has(outcome.error.code) ? "refused" : outcome;
    } catch (error) {
      if (isWorkflowMasterError(error) && REFUSALS.has(error.code)) {
        errors.push(seenError(error));
        return "refused";
      }
      throw error;
    }
  };
  // Both run to the end before anything is judged: neither may outlive the case.
  const settled = await Promise.allSettled([resume(), resume()]);
  const failure = settled.find((result) => result.status === "rejected");
  if (failure !== undefined) throw failure.reason;
  const outcomes = settled.flatMap((result) =>
    result.status === "fulfilled" ? [result.value] : [],
  );
  const winners = outcomes.filter((outcome) => outcome !== "refused");
  const refused = outcomes.length - winners.length;
  // Exactly one winner and one refusal; anything else is reported as the state.
  const state =
    winners.length === 1 && refused === 1
      ? (await engineFor(processes.spawn()).status(runId)).state
      : `${winners.map((outcome) => outcome.state).join("+")} with ${refused} refused`;
  return {
    neededPerson: false,
    state,
    expectedLive: workflow.phases.map((phase) => `${runId}:${phase.name}`),
    live: await ledger.live(),
    applications: await ledger.applications(),
    errors,
    resumes: 2,
    virtualMs: context.clock.now() - started,
  };
}

/**
 * Two runs (two ids) in one repository at once, each in its own process,
 * changing the same world: both complete, each effect once, neither
 * touching the other's state.
 */
export async function runTwoRunsOneRepository(context: ScenarioContext): Promise<Observation> {
  const { ledger, workflow, processes, engineFor } = setUp(context);
  const runIds = [`run-${context.seed}-a`, `run-${context.seed}-b`];
  const started = context.clock.now();
  const outcomes = await Promise.all(
    runIds.map((runId) =>
      engineFor(processes.spawn()).start(workflow, { runId, input: { title: context.scenario } }),
    ),
  );
  const errors = outcomes.flatMap((outcome) =>
    outcome.error === undefined ? [] : [seenError(outcome.error)],
  );
  const states = [...new Set(outcomes.map((outcome) => outcome.state))];
  return {
    neededPerson: false,
    state: states.length === 1 ? (states[0] ?? "unknown") : states.join("+"),
    expectedLive: runIds.flatMap((runId) =>
      workflow.phases.map((phase) => `${runId}:${phase.name}`),
    ),
    live: await ledger.live(),
    applications: await ledger.applications(),
    errors,
    resumes: 0,
    virtualMs: context.clock.now() - started,
  };
}
