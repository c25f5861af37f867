import { z } from "zod";
import type { WorkflowMasterError } from "../errors/index.js";
import { ErrorKind } from "../errors/index.js";
import type { JournalRecord } from "../state/run-store-types.js";

/**
 * The run state machine as data. The journal holds typed records; `reduce`
 * folds them, one at a time, into a `RunSnapshot`: what snapshots store,
 * what `status` shows and what the engine decides from. Every transition is
 * checked against the two tables below, so a terminal state can never be
 * overwritten (Gadugi's FAILED → COMPLETED) and an impossible journal is a
 * loud programmer error, not a quietly wrong status.
 */

export const RunState = {
  Running: "running",
  Paused: "paused",
  Completed: "completed",
  Failed: "failed",
  RollingBack: "rolling-back",
  RolledBack: "rolled-back",
} as const;
export type RunState = (typeof RunState)[keyof typeof RunState];

export const PhaseStatus = {
  Pending: "pending",
  /** Intent journaled, no result: the effect may or may not have happened. */
  Intent: "intent",
  Completed: "completed",
  Failed: "failed",
  Skipped: "skipped",
  Degraded: "degraded",
  Compensated: "compensated",
} as const;
export type PhaseStatus = (typeof PhaseStatus)[keyof typeof PhaseStatus];

/** What the journal says about a phase's effect in the world; rollback reads this. */
export const PhaseEffect = {
  /** Not applied (never attempted, or a lookup found nothing). */
  None: "none",
  /** An intent without a result: look it up before redoing or undoing anything. */
  Unknown: "unknown",
  Applied: "applied",
  Compensated: "compensated",
} as const;
export type PhaseEffect = (typeof PhaseEffect)[keyof typeof PhaseEffect];

/**
 * Legal run transitions. `completed` and `rolled-back` admit nothing.
 * `failed` is final for forward progress (never resumed, never completed);
 * its one exit is a rollback, which cleans up what the run created and ends
 * in the other terminal state. `running → running` is a resume after a crash,
 * `rolling-back → rolling-back` a rollback resumed after a crash.
 */
export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  running: ["running", "paused", "completed", "failed", "rolling-back"],
  paused: ["running", "rolling-back"],
  completed: [],
  failed: ["rolling-back"],
  "rolling-back": ["rolling-back", "rolled-back"],
  "rolled-back": [],
};

/** States no resume may leave. */
export const TERMINAL_STATES: readonly RunState[] = ["completed", "failed", "rolled-back"];

/**
 * Legal phase transitions. `intent → intent` is the next attempt;
 * `failed → completed` is a failure whose effect a lookup found had landed;
 * `… → compensated` is rollback (from `intent`, `failed` and `degraded` only
 * after a lookup found the effect).
 */
export const PHASE_TRANSITIONS: Readonly<Record<PhaseStatus, readonly PhaseStatus[]>> = {
  pending: ["intent", "failed", "skipped", "degraded"],
  intent: ["intent", "completed", "failed", "degraded", "compensated"],
  failed: ["intent", "completed", "failed", "compensated"],
  completed: ["compensated"],
  skipped: [],
  degraded: ["compensated"],
  compensated: [],
};

export function isTerminal(state: RunState): boolean {
  return TERMINAL_STATES.includes(state);
}

export function canTransition(from: RunState, to: RunState): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

export function canTransitionPhase(from: PhaseStatus, to: PhaseStatus): boolean {
  return PHASE_TRANSITIONS[from].includes(to);
}

/** An error as journaled: `WorkflowMasterError.toJSON()`. */
export type ErrorRecord = ReturnType<WorkflowMasterError["toJSON"]>;

export interface PhaseSnapshot {
  name: string;
  status: PhaseStatus;
  /** Intents journaled: attempts made, across resumes. */
  attempts: number;
  effect: PhaseEffect;
  /** The idempotency key of the latest intent. */
  key?: string;
  value?: unknown;
  /** Why it was skipped or degraded. */
  reason?: string;
  error?: ErrorRecord;
  /** The last compensation's failure, while it is not yet compensated. */
  compensationError?: ErrorRecord;
}

export interface RunSnapshot {
  runId: string;
  workflow: string;
  input: unknown;
  state: RunState;
  phases: PhaseSnapshot[];
  /** The error the run paused or failed with; cleared on resume. */
  lastError?: ErrorRecord;
  /** Phases a rollback could not undo. */
  incomplete?: string[];
  /** The last record folded in. */
  seq: number;
  /** The fencing token of the writer of that record. */
  fence: number;
  createdAt: string;
  updatedAt: string;
}

/** Journal record types the engine writes, and their data. */
export const RecordType = {
  RunCreated: "run.created",
  RunResumed: "run.resumed",
  RunPaused: "run.paused",
  RunFailed: "run.failed",
  RunCompleted: "run.completed",
  RollbackStarted: "run.rollback-started",
  RunRolledBack: "run.rolled-back",
  PhaseIntent: "phase.intent",
  PhaseResult: "phase.result",
  PhaseReconciled: "phase.reconciled",
  PhaseFailed: "phase.failed",
  PhaseSkipped: "phase.skipped",
  PhaseDegraded: "phase.degraded",
  PhaseCompensation: "phase.compensation",
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

const errorRecordSchema = z.object({
  code: z.string(),
  kind: z.enum([
    ErrorKind.Transient,
    ErrorKind.Permanent,
    ErrorKind.Partial,
    ErrorKind.Environmental,
  ]),
  message: z.string(),
  guidance: z.string(),
  command: z.string().optional(),
  automatic: z.string().optional(),
  retryAfterMs: z.number().optional(),
});

const phaseName = z.object({ phase: z.string() });

/** The data of each record type, validated as it is folded. */
export const RECORD_SCHEMAS = {
  "run.created": z.object({
    runId: z.string(),
    workflow: z.string(),
    phases: z.array(z.string()).min(1),
    input: z.unknown(),
  }),
  "run.resumed": z.object({ fromState: z.string() }),
  "run.paused": z.object({ phase: z.string().optional(), error: errorRecordSchema }),
  "run.failed": z.object({ phase: z.string().optional(), error: errorRecordSchema }),
  "run.completed": z.object({}),
  "run.rollback-started": z.object({ fromState: z.string() }),
  "run.rolled-back": z.object({
    incomplete: z.array(z.string()),
    error: errorRecordSchema.optional(),
  }),
  "phase.intent": phaseName.extend({ attempt: z.number().int().min(1), key: z.string() }),
  "phase.result": phaseName.extend({ value: z.unknown().optional(), reconciled: z.boolean() }),
  "phase.reconciled": phaseName.extend({ found: z.boolean(), value: z.unknown().optional() }),
  "phase.failed": phaseName.extend({ error: errorRecordSchema }),
  "phase.skipped": phaseName.extend({ reason: z.string() }),
  "phase.degraded": phaseName.extend({ reason: z.string(), error: errorRecordSchema }),
  "phase.compensation": phaseName.extend({
    ok: z.boolean(),
    detail: z.string().optional(),
    error: errorRecordSchema.optional(),
  }),
} as const satisfies Record<RecordType, z.ZodType>;

export type RecordData<T extends RecordType> = z.output<(typeof RECORD_SCHEMAS)[T]>;

/** The programmer error for an impossible journal or an illegal transition. */
function illegal(message: string): TypeError {
  return new TypeError(`Illegal run state change: ${message}`);
}

function data<T extends RecordType>(type: T, record: JournalRecord): RecordData<T> {
  const parsed = RECORD_SCHEMAS[type].safeParse(record.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw illegal(
      `record ${record.seq} (${type}) has bad data at ${["data", ...(issue?.path ?? [])].join(".")}: ${issue?.message ?? "invalid"}.`,
    );
  }
  return parsed.data as RecordData<T>;
}

function isRecordType(type: string): type is RecordType {
  return Object.hasOwn(RECORD_SCHEMAS, type);
}

/** A run transition, checked. */
export function transitionRun(snapshot: RunSnapshot, to: RunState): RunState {
  if (!canTransition(snapshot.state, to)) {
    throw illegal(
      `run ${snapshot.runId} cannot go from \`${snapshot.state}\` to \`${to}\`${isTerminal(snapshot.state) ? ` (\`${snapshot.state}\` is final)` : ""}.`,
    );
  }
  return to;
}

function transitionPhase(runId: string, phase: PhaseSnapshot, to: PhaseStatus): PhaseStatus {
  if (!canTransitionPhase(phase.status, to)) {
    throw illegal(
      `phase \`${phase.name}\` of run ${runId} cannot go from \`${phase.status}\` to \`${to}\`.`,
    );
  }
  return to;
}

/**
 * Folds one journal record into the run's snapshot. Pure: returns a new
 * snapshot and never changes its argument. `state` is undefined only before
 * the first record, which must be `run.created`.
 */
export function reduce(state: RunSnapshot | undefined, record: JournalRecord): RunSnapshot {
  if (!isRecordType(record.type)) {
    throw illegal(`record ${record.seq} has unknown type \`${record.type}\`.`);
  }
  if (state === undefined) {
    if (record.type !== RecordType.RunCreated) {
      throw illegal(`the first record (${record.seq}) is \`${record.type}\`, not \`run.created\`.`);
    }
    const created = data(RecordType.RunCreated, record);
    return {
      runId: created.runId,
      workflow: created.workflow,
      input: created.input,
      state: RunState.Running,
      phases: created.phases.map((name) => ({
        name,
        status: PhaseStatus.Pending,
        attempts: 0,
        effect: PhaseEffect.None,
      })),
      seq: record.seq,
      fence: record.fence,
      createdAt: record.at,
      updatedAt: record.at,
    };
  }
  if (record.seq !== state.seq + 1) {
    throw illegal(`record ${record.seq} follows record ${state.seq} of run ${state.runId}.`);
  }
  const next: RunSnapshot = {
    ...state,
    phases: state.phases.map((phase) => ({ ...phase })),
    seq: record.seq,
    fence: record.fence,
    updatedAt: record.at,
  };
  const phaseOf = (name: string): PhaseSnapshot => {
    const phase = next.phases.find((candidate) => candidate.name === name);
    if (phase === undefined) {
      throw illegal(
        `record ${record.seq} names phase \`${name}\`, which run ${state.runId} has not.`,
      );
    }
    return phase;
  };

  switch (record.type) {
    case RecordType.RunCreated:
      throw illegal(`record ${record.seq} creates run ${state.runId} a second time.`);
    case RecordType.RunResumed: {
      next.state = transitionRun(state, RunState.Running);
      delete next.lastError;
      return next;
    }
    case RecordType.RunPaused: {
      next.state = transitionRun(state, RunState.Paused);
      next.lastError = data(record.type, record).error;
      return next;
    }
    case RecordType.RunFailed: {
      next.state = transitionRun(state, RunState.Failed);
      next.lastError = data(record.type, record).error;
      return next;
    }
    case RecordType.RunCompleted: {
      data(record.type, record);
      const unfinished = next.phases.filter(
        (phase) => !["completed", "skipped", "degraded"].includes(phase.status),
      );
      if (unfinished.length > 0) {
        throw illegal(
          `run ${state.runId} cannot complete with phase \`${unfinished[0]?.name}\` still \`${unfinished[0]?.status}\`.`,
        );
      }
      next.state = transitionRun(state, RunState.Completed);
      delete next.lastError;
      return next;
    }
    case RecordType.RollbackStarted: {
      next.state = transitionRun(state, RunState.RollingBack);
      return next;
    }
    case RecordType.RunRolledBack: {
      const rolledBack = data(record.type, record);
      next.state = transitionRun(state, RunState.RolledBack);
      next.incomplete = rolledBack.incomplete;
      if (rolledBack.error === undefined) delete next.lastError;
      else next.lastError = rolledBack.error;
      return next;
    }
    case RecordType.PhaseIntent: {
      const intent = data(record.type, record);
      const phase = phaseOf(intent.phase);
      if (intent.attempt !== phase.attempts + 1) {
        throw illegal(
          `record ${record.seq} is attempt ${intent.attempt} of phase \`${phase.name}\`, which has made ${phase.attempts}.`,
        );
      }
      phase.status = transitionPhase(state.runId, phase, PhaseStatus.Intent);
      phase.attempts = intent.attempt;
      phase.key = intent.key;
      phase.effect = PhaseEffect.Unknown;
      return next;
    }
    case RecordType.PhaseResult: {
      const result = data(record.type, record);
      const phase = phaseOf(result.phase);
      if (phase.effect !== PhaseEffect.Unknown) {
        throw illegal(
          `record ${record.seq} gives phase \`${phase.name}\` a result without an intent.`,
        );
      }
      phase.status = transitionPhase(state.runId, phase, PhaseStatus.Completed);
      phase.effect = PhaseEffect.Applied;
      phase.value = result.value;
      delete phase.error;
      return next;
    }
    case RecordType.PhaseReconciled: {
      const reconciled = data(record.type, record);
      const phase = phaseOf(reconciled.phase);
      if (phase.effect !== PhaseEffect.Unknown) {
        throw illegal(
          `record ${record.seq} reconciles phase \`${phase.name}\`, whose effect is already \`${phase.effect}\`.`,
        );
      }
      // A lookup changes what we know about the world, not the phase's status.
      if (reconciled.found) {
        phase.effect = PhaseEffect.Applied;
        phase.value = reconciled.value;
      } else {
        phase.effect = PhaseEffect.None;
      }
      return next;
    }
    case RecordType.PhaseFailed: {
      const failed = data(record.type, record);
      const phase = phaseOf(failed.phase);
      phase.status = transitionPhase(state.runId, phase, PhaseStatus.Failed);
      phase.error = failed.error;
      return next;
    }
    case RecordType.PhaseSkipped: {
      const skipped = data(record.type, record);
      const phase = phaseOf(skipped.phase);
      phase.status = transitionPhase(state.runId, phase, PhaseStatus.Skipped);
      phase.reason = skipped.reason;
      return next;
    }
    case RecordType.PhaseDegraded: {
      const degraded = data(record.type, record);
      const phase = phaseOf(degraded.phase);
      phase.status = transitionPhase(state.runId, phase, PhaseStatus.Degraded);
      phase.reason = degraded.reason;
      phase.error = degraded.error;
      return next;
    }
    case RecordType.PhaseCompensation: {
      const compensation = data(record.type, record);
      const phase = phaseOf(compensation.phase);
      if (phase.effect !== PhaseEffect.Applied) {
        throw illegal(
          `record ${record.seq} compensates phase \`${phase.name}\`, whose effect is \`${phase.effect}\`, not \`applied\`.`,
        );
      }
      if (compensation.ok) {
        phase.status = transitionPhase(state.runId, phase, PhaseStatus.Compensated);
        phase.effect = PhaseEffect.Compensated;
        delete phase.compensationError;
      } else if (compensation.error !== undefined) {
        phase.compensationError = compensation.error;
      }
      return next;
    }
  }
}

/** Folds records onto an optional starting snapshot (the newest valid one). */
export function fold(
  start: RunSnapshot | undefined,
  records: readonly JournalRecord[],
): RunSnapshot | undefined {
  return records.reduce<RunSnapshot | undefined>(reduce, start);
}

const phaseSnapshotSchema = z.object({
  name: z.string(),
  status: z.enum(Object.values(PhaseStatus) as [PhaseStatus, ...PhaseStatus[]]),
  attempts: z.number().int().min(0),
  effect: z.enum(Object.values(PhaseEffect) as [PhaseEffect, ...PhaseEffect[]]),
  key: z.string().optional(),
  value: z.unknown().optional(),
  reason: z.string().optional(),
  error: errorRecordSchema.optional(),
  compensationError: errorRecordSchema.optional(),
});

const runSnapshotSchema = z.object({
  runId: z.string(),
  workflow: z.string(),
  input: z.unknown(),
  state: z.enum(Object.values(RunState) as [RunState, ...RunState[]]),
  phases: z.array(phaseSnapshotSchema),
  lastError: errorRecordSchema.optional(),
  incomplete: z.array(z.string()).optional(),
  seq: z.number().int().min(1),
  fence: z.number().int().min(0),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/**
 * Restores a snapshot from its JSON form (what `JSON.stringify` of a
 * `RunSnapshot` gives, e.g. from a snapshot file). Throws a TypeError naming
 * the bad field: a snapshot the store accepted by checksum but that does not
 * fit this shape was written by a bug.
 */
export function parseRunSnapshot(value: unknown): RunSnapshot {
  const parsed = runSnapshotSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Invalid run snapshot: ${["snapshot", ...(issue?.path ?? [])].join(".")} ${issue?.message ?? "is invalid"}.`,
    );
  }
  return parsed.data as RunSnapshot;
}
