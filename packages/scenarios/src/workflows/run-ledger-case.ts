import { join } from "node:path";
import type { FaultPoints, WorkflowEvent } from "@workflowmaster/core";
import {
  createEngine,
  createRetryBudget,
  isWorkflowMasterError,
  listRuns,
  nodeFileSystem,
  nodePorts,
  type RetryPolicy,
  type RunOutcome,
} from "@workflowmaster/core";
import { createLedger, processLives } from "@workflowmaster/core/testing";
import { type Observation, type ScenarioContext, type SeenError, seenError } from "../scenario.js";
import { createFaultyWorld, type WorldFaults } from "../world/faulty-world.js";
import { ENGINE_REACTIONS } from "./engine-reactions.js";
import { ledgerWorkflow } from "./ledger-workflow.js";
import { resumeOrStart } from "./resume-or-start.js";

export interface LedgerCaseOptions {
  faults?: WorldFaults;
  /** Fault points for the first process only (a crash kills it; restarts run clean). */
  faultPoints?: FaultPoints;
  retry?: Partial<RetryPolicy>;
  /** Test-only: a build with the effect lookup disabled (see `ledgerWorkflow`). */
  brokenLookup?: boolean;
  /** After the run ends, roll it back. */
  rollback?: boolean;
  /** Virtual time before a paused run is resumed (default one minute). */
  pauseWaitMs?: number;
  maxResumes?: number;
}

/**
 * Runs the ledger workflow to the end the way an operator would: start it;
 * after a crash, restart a fresh engine and resume; after a pause, wait and
 * resume. Each restart gets a new engine over the same run directory, as a
 * new process would.
 */
export async function runLedgerCase(
  context: ScenarioContext,
  options: LedgerCaseOptions = {},
): Promise<Observation> {
  const ledger = createLedger(join(context.workDir, "world.ndjson"));
  const world = createFaultyWorld({
    ledger,
    random: context.seeds.stream("world"),
    journal: context.journal,
    now: () => context.clock.now(),
    faults: options.faults ?? {},
  });
  const workflow = ledgerWorkflow({
    ledger,
    world,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.brokenLookup === true ? { lookup: false } : {}),
  });
  const root = join(context.workDir, ".workflowmaster");
  const runId = `run-${context.seed}`;
  const started = context.clock.now();
  const errors: SeenError[] = [];
  let neededPerson = false;
  // The engine's reactions, stamped in virtual time, to measure detection.
  const reactions: number[] = [];
  // Waits a server demanded (a rate limit's reset): not the engine's time to spend.
  const mandatedWaits: { at: number; ms: number }[] = [];
  const reactionSink = {
    emit(event: WorkflowEvent) {
      if (ENGINE_REACTIONS.has(event.type)) reactions.push(context.clock.now());
      if (event.type === "phase.retrying" && /RATE-LIMITED/.test(event.cause.code)) {
        mandatedWaits.push({ at: context.clock.now(), ms: event.delayMs });
      }
    },
  };
  let resumes = 0;
  let crashed = false;

  // Each engine is a new process: the previous one is dead (it crashed, or
  // finished and exited), so a lock it left is taken over as after a restart.
  const lives = processLives();
  const engineFor = (faultPoints: FaultPoints | undefined) => {
    return createEngine({
      ports: nodePorts({
        clock: context.clock,
        random: context.seeds.stream("engine"),
        spawner: lives.next(),
        ...(faultPoints === undefined ? {} : { faultPoints }),
      }),
      root,
      sinks: [reactionSink],
      budget: createRetryBudget({}, context.clock),
    });
  };

  // A fault point that throws is the process dying; anything else that
  // escapes the engine is a real failure of the case and propagates.
  const survive = async (attempt: () => Promise<RunOutcome>): Promise<RunOutcome | undefined> => {
    try {
      return await attempt();
    } catch (error) {
      if (isCrash(error)) {
        crashed = true;
        return undefined;
      }
      throw error;
    }
  };

  const start = () =>
    engineFor(undefined).start(workflow, { runId, input: { title: context.scenario } });
  const resumeAfterRestart = (): Promise<RunOutcome> =>
    resumeOrStart({
      engine: engineFor(undefined),
      workflow,
      runId,
      exists: () => runExists(root, runId),
      start,
    });

  let outcome = await survive(() =>
    engineFor(options.faultPoints).start(workflow, { runId, input: { title: context.scenario } }),
  );
  const maxResumes = options.maxResumes ?? 10;
  while (outcome === undefined || outcome.state === "paused" || outcome.state === "running") {
    if (outcome?.error !== undefined) {
      errors.push(seenError(outcome.error));
      if (outcome.state === "paused" && outcome.error.kind !== "transient") neededPerson = true;
    }
    if (resumes >= maxResumes) break;
    resumes += 1;
    // A paused run is resumed the way a supervisor (a cron job running
    // `workflowmaster resume`) would: after a minute.
    if (outcome?.state === "paused") await context.clock.sleep(options.pauseWaitMs ?? 60_000);
    outcome = await survive(() => resumeAfterRestart());
  }
  if (outcome?.error !== undefined && outcome.state !== "paused")
    errors.push(seenError(outcome.error));

  let state = outcome?.state ?? (crashed ? "crashed" : "unknown");
  if (options.rollback === true) {
    const rolledBack = await engineFor(undefined).rollback(workflow, runId);
    if (rolledBack.error !== undefined) errors.push(seenError(rolledBack.error));
    state = rolledBack.state;
  }
  const phases = workflow.phases.map((phase) => `${runId}:${phase.name}`);
  const ended = context.clock.now();
  const faults = context.journal.entries();
  const faultAt = faults[0] === undefined ? undefined : Date.parse(faults[0].at);
  const healedAt = faults.at(-1) === undefined ? undefined : Date.parse(faults.at(-1)?.at ?? "");
  const reactedAt = reactions.find((at) => faultAt !== undefined && at >= faultAt);
  // Recovery is measured from when the last fault cleared to the end, less
  // any wait the server itself demanded after it.
  const mandated = mandatedWaits
    .filter((wait) => healedAt !== undefined && wait.at >= healedAt)
    .reduce((sum, wait) => sum + wait.ms, 0);
  return {
    neededPerson,
    ...(healedAt === undefined ? {} : { recoverMs: Math.max(0, ended - healedAt - mandated) }),
    ...(faultAt === undefined || reactedAt === undefined ? {} : { detectMs: reactedAt - faultAt }),
    state,
    expectedLive: state === "rolled-back" ? [] : phases,
    live: await ledger.live(),
    applications: await ledger.applications(),
    errors,
    resumes,
    virtualMs: context.clock.now() - started,
  };
}

async function runExists(root: string, runId: string): Promise<boolean> {
  return (await listRuns({ fs: nodeFileSystem, root })).includes(runId);
}

function isCrash(error: unknown): boolean {
  return (
    !isWorkflowMasterError(error) &&
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "CHAOS_CRASH"
  );
}
