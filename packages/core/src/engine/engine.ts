import { z } from "zod";
import type { WorkflowMasterError } from "../errors/index.js";
import { classify, isWorkflowMasterError, wfmError } from "../errors/index.js";
import { createEventLogSink, type EventLog } from "../monitor/event-log.js";
import type { EventSink } from "../monitor/events.js";
import type { Ports } from "../ports/index.js";
import type { RetryBudget } from "../retry/index.js";
import { createRunStore, openRunStore, readRun } from "../state/index.js";
import type { LoadedRun, RunStore } from "../state/run-store-types.js";
import type { CrashGuard } from "./crash-guard.js";
import { guardFaultPoints } from "./crash-guard.js";
import type { Workflow } from "./phase.js";
import { defineWorkflow } from "./phase.js";
import type { RollbackStep } from "./rollback.js";
import { planRollback, rollbackRun } from "./rollback.js";
import { runPhase, toJournalValue } from "./run-phase.js";
import type { RunSession } from "./run-session.js";
import { createRunSession } from "./run-session.js";
import type { RunSnapshot } from "./run-state.js";
import { fold, isTerminal, parseRunSnapshot, RecordType, RunState } from "./run-state.js";

export interface EngineOptions {
  ports: Ports;
  /** `<repo>/.workflowmaster`. */
  root: string;
  /**
   * Every state change is emitted to each, in order, after the run's own
   * event log (`<root>/runs/<id>/events.ndjson`), which is always written
   * unless `eventLog` is false.
   */
  sinks?: readonly EventSink[];
  /** Write `events.ndjson` beside the journal (default true). */
  eventLog?: boolean;
  /** Shared by every phase with a `target`, so an outage cannot become a retry storm. */
  budget?: RetryBudget;
  /** Checked before each phase; an error pauses the run before anything is written. */
  resourceCheck?: (phase: string, runDir: string) => Promise<WorkflowMasterError | undefined>;
  /**
   * Snapshot at the next phase boundary once this many records accumulated
   * since the last snapshot; a run's turn always ends with one. Default
   * `DEFAULT_SNAPSHOT_EVERY`.
   */
  snapshotEvery?: number;
}

/**
 * The journal is the truth and a snapshot only shortens its replay, which
 * for a few dozen records costs less than one snapshot's two fsyncs. So a
 * run of the dev workflow (about 20 records a turn) snapshots once, at the
 * end of its turn, instead of after every phase.
 */
export const DEFAULT_SNAPSHOT_EVERY = 32;

export interface StartOptions<I> {
  runId: string;
  /** JSON-serialisable: it is journaled. */
  input: I;
  /** Stops at the next safe point; the run stays resumable (WFM-INTERRUPTED). */
  signal?: AbortSignal;
}

export interface ResumeOptions {
  signal?: AbortSignal;
}

export interface RollbackOptions {
  /** List what would be compensated; write nothing, take no lock. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface RunOutcome {
  runId: string;
  state: RunState;
  snapshot: RunSnapshot;
  /** Why the run paused, failed or stopped; absent when it completed. */
  error?: WorkflowMasterError;
  /** Completed with some optional phases skipped or degraded. */
  partial: boolean;
  /** Failures beside the run (an event sink, releasing the lock): reported, not fatal. */
  warnings: WorkflowMasterError[];
}

export interface RollbackOutcome {
  runId: string;
  state: RunState;
  snapshot: RunSnapshot;
  dryRun: boolean;
  /** Newest first: what was (or, for a dry run, would be) done. */
  plan: RollbackStep[];
  compensated: string[];
  /** Phases whose effect may remain (WFM-ROLLBACK-INCOMPLETE). */
  incomplete: string[];
  /** Applied effects left in place because the phase declares no compensation. */
  kept: string[];
  error?: WorkflowMasterError;
  warnings: WorkflowMasterError[];
}

export interface Engine {
  start<I>(workflow: Workflow<I>, options: StartOptions<I>): Promise<RunOutcome>;
  resume<I>(workflow: Workflow<I>, runId: string, options?: ResumeOptions): Promise<RunOutcome>;
  rollback<I>(
    workflow: Workflow<I>,
    runId: string,
    options?: RollbackOptions,
  ): Promise<RollbackOutcome>;
  status(runId: string): Promise<RunSnapshot>;
}

const isFunction = (value: unknown) => typeof value === "function";
const fn = z.custom<(...args: never[]) => unknown>(isFunction, "must be a function");

const engineOptionsSchema = z.object({
  ports: z.looseObject({
    clock: z.looseObject({ now: fn, sleep: fn }),
    random: z.looseObject({ next: fn }),
    fs: z.looseObject({ open: fn, readFile: fn, rename: fn }),
    spawner: z.looseObject({ run: fn, isAlive: fn }),
    faultPoints: z.looseObject({ hit: fn }),
  }),
  root: z.string().min(1, "must be the path of the .workflowmaster directory"),
  sinks: z.array(z.looseObject({ emit: fn })).optional(),
  budget: z.looseObject({ tryAcquire: fn, recordSuccess: fn }).optional(),
  resourceCheck: fn.optional(),
  eventLog: z.boolean().optional(),
  snapshotEvery: z.number().int().positive().optional(),
});

const runIdSchema = z.string().min(1, "must be a non-empty run id");

const startOptionsSchema = z.object({
  runId: runIdSchema,
  input: z.unknown(),
  signal: z.instanceof(AbortSignal).optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new TypeError(
    `Invalid ${what}: ${[what, ...(issue?.path ?? [])].join(".")} ${issue?.message ?? "is invalid"}.`,
  );
}

/**
 * The engine: runs workflows phase by phase through a crash-safe run store,
 * resumes them (reconciling any phase caught between intent and result),
 * rolls them back, and reports their status. Errors that stop a run are
 * data on the outcome; errors that prevent opening it at all (the run
 * exists, is locked, is finished, …) are thrown as WorkflowMasterErrors.
 * A fault point that throws is treated as the death of the process: the
 * engine writes nothing more and lets that error out untouched.
 */
export function createEngine(options: EngineOptions): Engine {
  parse(engineOptionsSchema, options, "engine options");
  const { ports, root, budget, resourceCheck } = options;
  const sinks = options.sinks ?? [];
  const snapshotEvery = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;

  const storeOptions = (runId: string, guard: CrashGuard) => ({
    fs: ports.fs,
    clock: ports.clock,
    random: ports.random,
    spawner: ports.spawner,
    faultPoints: guard.faultPoints,
    root,
    runId,
  });

  // Phases get the guarded fault points too, so a crash injected inside an
  // adapter (`github.issue.created`) is a crash, not a phase failure.
  const session = (store: RunStore, state: RunSnapshot | undefined, guard: CrashGuard) => {
    const log = openEventLog();
    return createRunSession({
      ports: { ...ports, faultPoints: guard.faultPoints },
      store,
      state,
      sinks: log === undefined ? sinks : [log, ...sinks],
      closers: log === undefined ? [] : [log],
      guard,
      snapshotEvery,
    });
  };

  // Each operation writes the run's events through its own log, closed
  // (fsync'd) with the session. A crashed operation leaves it as a dead
  // process would: nothing more is written.
  const openEventLog = (): EventLog | undefined =>
    options.eventLog === false
      ? undefined
      : createEventLogSink({ fs: ports.fs, clock: ports.clock, root });

  /** Opens (locks and recovers) an existing run and folds its state. */
  const open = async (runId: string, guard: CrashGuard) => {
    const { store, loaded } = await openRunStore(storeOptions(runId, guard));
    try {
      return { store, loaded, state: loadState(loaded, runId, store.dir) };
    } catch (error) {
      await store.close();
      throw error;
    }
  };

  /** Reads a run without the lock and without repairing it. */
  const read = (runId: string) =>
    readRun({ fs: ports.fs, root, runId }).catch((error: unknown) => {
      throw openingError(error, runId);
    });

  /** Runs phases from the first unfinished one until the run completes or stops. */
  const drive = async <I>(
    current: RunSession,
    workflow: Workflow<I>,
    signal: AbortSignal | undefined,
  ): Promise<RunOutcome> => {
    let error: WorkflowMasterError | undefined;
    try {
      for (let index = 0; index < workflow.phases.length; index += 1) {
        const status = current.state.phases[index]?.status;
        if (status === "completed" || status === "skipped" || status === "degraded") continue;
        if (signal?.aborted) {
          error = interruptedError(current.runId);
          break;
        }
        const step = await runPhase(current, workflow, index, {
          budget,
          resourceCheck,
          signal,
        });
        if (step.kind === "interrupted") {
          error = interruptedError(current.runId);
          break;
        }
        if (step.kind === "stopped") {
          error = step.error;
          break;
        }
      }
      if (error === undefined) {
        await current.journal(RecordType.RunCompleted, {});
        await current.emit({ type: "run.completed", runId: current.runId });
      }
      await current.settle();
    } catch (thrown) {
      return halt(current, thrown);
    }
    await current.close();
    return outcome(current, error);
  };

  /** A crash leaves as is; a broken store ends the turn with its error; a bug is thrown. */
  const halt = async (current: RunSession, thrown: unknown): Promise<RunOutcome> => {
    if (current.guard.crashed) throw current.guard.crash;
    if (current.storeFailure !== undefined) {
      await current.close();
      return outcome(current, current.storeFailure);
    }
    await current.close();
    throw classify(thrown, { context: { runId: current.runId, detail: describe(thrown) } });
  };

  return {
    async start(workflow, startOptions) {
      defineWorkflow(workflow);
      const { runId } = parse(startOptionsSchema, startOptions, "start options");
      const input = toJournalValue("The run input", startOptions.input);
      const guard = guardFaultPoints(ports.faultPoints);
      let store: RunStore;
      try {
        store = await createRunStore(storeOptions(runId, guard));
      } catch (error) {
        if (guard.crashed) throw guard.crash;
        if (!isWorkflowMasterError(error) || error.code !== "WFM-RUN-EXISTS") {
          throw openingError(error, runId);
        }
        // A start that died before its first record left an empty run:
        // adopt it; anything with a record in it is a real, existing run.
        const opened = await open(runId, guard).catch((openError: unknown) => {
          throw guard.crashed ? guard.crash : openingError(openError, runId);
        });
        if (opened.state !== undefined) {
          await opened.store.close();
          throw error;
        }
        store = opened.store;
      }
      const current = session(store, undefined, guard);
      try {
        await current.journal(RecordType.RunCreated, {
          runId,
          workflow: workflow.name,
          phases: workflow.phases.map((phase) => phase.name),
          input,
        });
        await current.emit({ type: "run.started", runId, workflow: workflow.name });
      } catch (thrown) {
        if (guard.crashed) throw guard.crash;
        await current.close();
        throw current.storeFailure ?? thrown;
      }
      return drive(current, workflow, startOptions.signal);
    },

    async resume(workflow, runId, resumeOptions = {}) {
      defineWorkflow(workflow);
      parse(runIdSchema, runId, "resume runId");
      const guard = guardFaultPoints(ports.faultPoints);
      let opened: Awaited<ReturnType<typeof open>>;
      try {
        opened = await open(runId, guard);
      } catch (error) {
        throw guard.crashed ? guard.crash : openingError(error, runId);
      }
      const { store, loaded, state } = opened;
      const refusal = refuseResume(runId, state, workflow);
      if (refusal !== undefined) {
        await store.close();
        throw refusal;
      }
      const current = session(store, state, guard);
      try {
        await reportRecovery(current, loaded);
        const fromState = current.state.state;
        await current.journal(RecordType.RunResumed, { fromState });
        await current.emit({ type: "run.resumed", runId, fromState });
      } catch (thrown) {
        return halt(current, thrown);
      }
      return drive(current, workflow, resumeOptions.signal);
    },

    async rollback(workflow, runId, rollbackOptions = {}) {
      defineWorkflow(workflow);
      parse(runIdSchema, runId, "rollback runId");
      if (rollbackOptions.dryRun === true) {
        const state = loadState(await read(runId), runId, root);
        if (state === undefined) throw notStarted(runId);
        const mismatch = workflowMismatch(runId, state, workflow);
        if (mismatch !== undefined) throw mismatch;
        return {
          runId,
          state: state.state,
          snapshot: state,
          dryRun: true,
          plan: planRollback(workflow, state),
          compensated: [],
          incomplete: [],
          kept: [],
          warnings: [],
        };
      }
      const guard = guardFaultPoints(ports.faultPoints);
      let opened: Awaited<ReturnType<typeof open>>;
      try {
        opened = await open(runId, guard);
      } catch (error) {
        throw guard.crashed ? guard.crash : openingError(error, runId);
      }
      const { store, loaded, state } = opened;
      const refusal =
        state === undefined
          ? notStarted(runId)
          : (workflowMismatch(runId, state, workflow) ??
            (state.state === RunState.Completed || state.state === RunState.RolledBack
              ? wfmError("WFM-RUN-TERMINAL", {
                  message: `Run ${runId} already ended \`${state.state}\`; it cannot be rolled back.`,
                  context: { runId, state: state.state },
                })
              : undefined));
      if (refusal !== undefined) {
        await store.close();
        throw refusal;
      }
      const current = session(store, state, guard);
      const plan = planRollback(workflow, current.state);
      let result: Awaited<ReturnType<typeof rollbackRun>>;
      try {
        await reportRecovery(current, loaded);
        result = await rollbackRun(current, workflow, { signal: rollbackOptions.signal });
        await current.settle();
      } catch (thrown) {
        const stopped = await halt(current, thrown);
        return {
          runId,
          state: stopped.state,
          snapshot: stopped.snapshot,
          dryRun: false,
          plan,
          compensated: [],
          incomplete: [],
          kept: [],
          ...(stopped.error === undefined ? {} : { error: stopped.error }),
          warnings: stopped.warnings,
        };
      }
      await current.close();
      const error = result.interrupted ? interruptedError(runId) : result.error;
      return {
        runId,
        state: current.state.state,
        snapshot: current.state,
        dryRun: false,
        plan,
        compensated: result.compensated,
        incomplete: result.incomplete,
        kept: result.kept,
        ...(error === undefined ? {} : { error }),
        warnings: current.warnings,
      };
    },

    async status(runId) {
      parse(runIdSchema, runId, "status runId");
      const state = loadState(await read(runId), runId, root);
      if (state === undefined) throw notStarted(runId);
      return state;
    },
  };
}

/**
 * The newest valid snapshot with every later record folded in. Records the
 * store vouches for (checksums, chain) that still do not fold were written
 * by a bug or another version: that is damage a person must look at, not a
 * stack trace.
 */
function loadState(
  loaded: LoadedRun<unknown>,
  runId: string,
  path: string,
): RunSnapshot | undefined {
  try {
    const start =
      loaded.snapshot === undefined
        ? undefined
        : { ...parseRunSnapshot(loaded.snapshot.state), seq: loaded.snapshot.seq };
    return fold(start, loaded.records);
  } catch (error) {
    throw wfmError("WFM-STATE-CORRUPT", {
      message: `The journal of run ${runId} does not describe a possible run: ${describe(error)}`,
      context: { runId, path, detail: describe(error) },
      cause: error,
    });
  }
}

function outcome(current: RunSession, error: WorkflowMasterError | undefined): RunOutcome {
  const snapshot = current.state;
  return {
    runId: current.runId,
    state: snapshot.state,
    snapshot,
    ...(error === undefined ? {} : { error }),
    partial:
      snapshot.state === RunState.Completed &&
      snapshot.phases.some((phase) => phase.status === "skipped" || phase.status === "degraded"),
    warnings: current.warnings,
  };
}

async function reportRecovery(current: RunSession, loaded: LoadedRun<unknown>): Promise<void> {
  const { recovery } = loaded;
  if (!recovery.repaired) return;
  const parts = [
    recovery.droppedBytes > 0
      ? `dropped a torn journal tail of ${recovery.droppedBytes} bytes`
      : "",
    recovery.snapshotsRejected.length > 0
      ? `set aside ${recovery.snapshotsRejected.length} damaged snapshot(s)`
      : "",
    recovery.tempFilesRemoved.length > 0
      ? `removed ${recovery.tempFilesRemoved.length} stray temp file(s)`
      : "",
  ].filter((part) => part !== "");
  await current.emit({
    type: "run.recovered",
    runId: current.runId,
    droppedBytes: recovery.droppedBytes,
    snapshotsRejected: recovery.snapshotsRejected.length,
    detail: parts.length > 0 ? parts.join("; ") : "repaired the run state on open",
  });
}

function refuseResume<I>(
  runId: string,
  state: RunSnapshot | undefined,
  workflow: Workflow<I>,
): WorkflowMasterError | undefined {
  if (state === undefined) return notStarted(runId);
  const mismatch = workflowMismatch(runId, state, workflow);
  if (mismatch !== undefined) return mismatch;
  if (isTerminal(state.state)) {
    return wfmError("WFM-RUN-TERMINAL", {
      message: `Run ${runId} already ended \`${state.state}\`; it cannot be resumed.`,
      context: { runId, state: state.state },
    });
  }
  if (state.state === RunState.RollingBack) {
    return wfmError("WFM-RUN-ROLLING-BACK", {
      message: `Run ${runId} was stopped while rolling back; it cannot be resumed forwards.`,
      context: { runId },
    });
  }
  return undefined;
}

function workflowMismatch<I>(
  runId: string,
  state: RunSnapshot,
  workflow: Workflow<I>,
): WorkflowMasterError | undefined {
  const journaled = state.phases.map((phase) => phase.name).join(" → ");
  const given = workflow.phases.map((phase) => phase.name).join(" → ");
  if (state.workflow === workflow.name && journaled === given) return undefined;
  const detail = `workflow \`${state.workflow}\` (${journaled}), not \`${workflow.name}\` (${given})`;
  return wfmError("WFM-RUN-WORKFLOW-MISMATCH", {
    message: `Run ${runId} was started with ${detail}.`,
    context: { runId, detail },
  });
}

/** Whatever stopped a run from opening, as a WorkflowMasterError (WFM errors pass through). */
function openingError(error: unknown, runId: string): WorkflowMasterError {
  return classify(error, { context: { runId } });
}

function notStarted(runId: string): WorkflowMasterError {
  return wfmError("WFM-RUN-NOT-STARTED", {
    message: `Run ${runId} exists but stopped before recording its start.`,
    context: { runId },
  });
}

function interruptedError(runId: string): WorkflowMasterError {
  return wfmError("WFM-INTERRUPTED", {
    message: `Run ${runId} was interrupted and stopped at a safe point.`,
    context: { runId },
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
