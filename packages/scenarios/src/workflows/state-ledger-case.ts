import { join } from "node:path";
import type {
  FaultPoints,
  FileSystem,
  WorkflowEvent,
  WorkflowMasterError,
} from "@workflowmaster/core";
import {
  createEngine,
  createRetryBudget,
  isWorkflowMasterError,
  listRuns,
  nodePorts,
  type RunOutcome,
} from "@workflowmaster/core";
import { createLedger, type Ledger, processLives } from "@workflowmaster/core/testing";
import { type Observation, type ScenarioContext, type SeenError, seenError } from "../scenario.js";
import { createFaultyWorld } from "../world/faulty-world.js";
import { ENGINE_REACTIONS } from "./engine-reactions.js";
import { ledgerWorkflow } from "./ledger-workflow.js";
import { resumeOrStart } from "./resume-or-start.js";

/** Where the run store lives when it is on an in-memory fault filesystem. */
export const MEMORY_ROOT = "/repo/.workflowmaster";

export interface StateCaseOptions {
  /**
   * The run store's filesystem, read again for every process life: after a
   * crash `afterCrash` may swap in the disk the crash left.
   */
  fs: () => FileSystem;
  /** The `.workflowmaster` directory on that filesystem. */
  root: string;
  /** Fault points of the first process only (a crash kills it; restarts run clean). */
  faultPoints?: FaultPoints;
  /** After a process died at a fault point: what the crash did to the disk. */
  afterCrash?: () => Promise<void> | void;
  /**
   * After the run stopped on an error (paused, a failed store write, a
   * refused open): what the supervisor does before resuming, a minute later.
   */
  supervise?: (error: SeenError) => Promise<void> | void;
  /** The engine's snapshot cadence (default: the engine's own). */
  snapshotEvery?: number;
  /** The engine's resource check, for every life. */
  resourceCheck?: (phase: string, runDir: string) => Promise<WorkflowMasterError | undefined>;
  /** Sees every engine event as it happens (to inject a fault at a seeded phase). */
  onEvent?: (event: WorkflowEvent) => void;
  /**
   * "start" (default) starts the run; "resume" resumes what another process
   * left (or starts it, when that process acknowledged nothing).
   */
  begin?: "start" | "resume";
  maxResumes?: number;
  /** Default `run-<seed>`. */
  runId?: string;
  /** A ledger (the world) shared with another run; default `<workDir>/world.ndjson`. */
  ledger?: Ledger;
}

/**
 * The ledger workflow with its run store on an injected filesystem (a fault
 * filesystem, usually), driven the way an operator would: start; after a
 * crash, a new engine resumes (or starts again when nothing was
 * acknowledged); after a stop on an error, a supervisor acts on it and
 * resumes a minute later. The world (the ledger) stays on the real disk.
 */
export async function runStateCase(
  context: ScenarioContext,
  options: StateCaseOptions,
): Promise<Observation> {
  const ledger = options.ledger ?? createLedger(join(context.workDir, "world.ndjson"));
  const world = createFaultyWorld({
    ledger,
    random: context.seeds.stream("world"),
    journal: context.journal,
    now: () => context.clock.now(),
    faults: {},
  });
  const workflow = ledgerWorkflow({ ledger, world });
  const runId = options.runId ?? `run-${context.seed}`;
  const started = context.clock.now();
  const errors: SeenError[] = [];
  let neededPerson = false;
  const reactions: number[] = [];
  const reactionSink = {
    emit(event: WorkflowEvent) {
      if (ENGINE_REACTIONS.has(event.type)) reactions.push(context.clock.now());
      options.onEvent?.(event);
    },
  };
  const lives = processLives();
  const engineFor = (faultPoints: FaultPoints | undefined) =>
    createEngine({
      ports: nodePorts({
        fs: options.fs(),
        clock: context.clock,
        random: context.seeds.stream("engine"),
        spawner: lives.next(),
        ...(faultPoints === undefined ? {} : { faultPoints }),
      }),
      root: options.root,
      sinks: [reactionSink],
      budget: createRetryBudget({}, context.clock),
      ...(options.resourceCheck === undefined ? {} : { resourceCheck: options.resourceCheck }),
      ...(options.snapshotEvery === undefined ? {} : { snapshotEvery: options.snapshotEvery }),
    });

  type Life = { outcome: RunOutcome } | { crashed: true } | { refused: WorkflowMasterError };
  // A fault point that throws is the process dying; a WorkflowMasterError
  // thrown while opening the run is a refusal a person reads; anything
  // else escaping the engine is a real failure of the case and propagates.
  const live = async (attempt: () => Promise<RunOutcome>): Promise<Life> => {
    try {
      return { outcome: await attempt() };
    } catch (error) {
      if (isCrash(error)) return { crashed: true };
      if (isWorkflowMasterError(error)) return { refused: error };
      throw error;
    }
  };
  const start = (faultPoints?: FaultPoints) =>
    engineFor(faultPoints).start(workflow, { runId, input: { title: context.scenario } });
  const resumeAfterRestart = (): Promise<RunOutcome> =>
    resumeOrStart({
      engine: engineFor(undefined),
      workflow,
      runId,
      exists: async () =>
        (await listRuns({ fs: options.fs(), root: options.root })).includes(runId),
      start: () => start(undefined),
    });

  let life = await live(() =>
    options.begin === "resume" ? resumeAfterRestart() : start(options.faultPoints),
  );
  let resumes = 0;
  const maxResumes = options.maxResumes ?? 10;
  const finished = (current: Life) =>
    "outcome" in current &&
    current.outcome.state !== "paused" &&
    current.outcome.state !== "running";
  while (!finished(life) && resumes < maxResumes) {
    resumes += 1;
    if ("crashed" in life) {
      await options.afterCrash?.();
    } else {
      const error = "refused" in life ? life.refused : life.outcome.error;
      if (error === undefined) {
        throw new Error(`Run ${runId} stopped ${JSON.stringify(life)} without an error.`);
      }
      // The run stopping with this error is the engine's reaction to the fault.
      reactions.push(context.clock.now());
      const seen = seenError(error);
      errors.push(seen);
      if (error.kind !== "transient") neededPerson = true;
      await context.clock.sleep(60_000);
      await options.supervise?.(seen);
    }
    life = await live(() => resumeAfterRestart());
  }
  if ("refused" in life) errors.push(seenError(life.refused));
  else if ("outcome" in life && life.outcome.error !== undefined && finished(life)) {
    errors.push(seenError(life.outcome.error));
  }

  const state = "outcome" in life ? life.outcome.state : "crashed" in life ? "crashed" : "refused";
  const phases = workflow.phases.map((phase) => `${runId}:${phase.name}`);
  const ended = context.clock.now();
  const faults = context.journal.entries();
  const faultAt = faults[0] === undefined ? undefined : Date.parse(faults[0].at);
  const healedAt = faults.at(-1) === undefined ? undefined : Date.parse(faults.at(-1)?.at ?? "");
  const reactedAt = reactions.find((at) => faultAt !== undefined && at >= faultAt);
  return {
    neededPerson,
    ...(healedAt === undefined ? {} : { recoverMs: Math.max(0, ended - healedAt) }),
    ...(faultAt === undefined || reactedAt === undefined ? {} : { detectMs: reactedAt - faultAt }),
    state,
    expectedLive: phases,
    live: await livePrefixed(ledger, runId),
    applications: await applicationsPrefixed(ledger, runId),
    errors,
    resumes,
    virtualMs: context.clock.now() - started,
  };
}

/** This run's live effects (the ledger may be shared with another run). */
export async function livePrefixed(ledger: Ledger, runId: string): Promise<Set<string>> {
  return new Set([...(await ledger.live())].filter((key) => key.startsWith(`${runId}:`)));
}

export async function applicationsPrefixed(
  ledger: Ledger,
  runId: string,
): Promise<Map<string, number>> {
  return new Map([...(await ledger.applications())].filter(([key]) => key.startsWith(`${runId}:`)));
}

export function isCrash(error: unknown): boolean {
  return (
    !isWorkflowMasterError(error) &&
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "CHAOS_CRASH"
  );
}
