import { z } from "zod";
import type { Result } from "../errors/index.js";
import type { Ports } from "../ports/index.js";
import type { RetryPolicy } from "../retry/index.js";

/**
 * What a phase sees while it runs. Everything it needs to touch the world
 * comes through `ports`; `signal` aborts on timeout, inactivity or
 * interruption, and `progress()` feeds the inactivity watchdog.
 */
export interface PhaseContext<I> {
  readonly runId: string;
  readonly input: I;
  /** Values of the earlier phases that completed, by phase name. */
  readonly results: Readonly<Record<string, unknown>>;
  /** 1 for the first attempt of this phase, counted across resumes. */
  readonly attempt: number;
  readonly signal: AbortSignal;
  /** Says "still working": resets the inactivity watchdog. */
  progress(note?: string): void;
  readonly ports: Ports;
  /** Stable across attempts and resumes; give it to the called service. */
  readonly idempotencyKey: string;
}

/** What `idempotencyKey` is computed from: only what is stable across resumes. */
export type PhaseKeyContext<I> = Pick<PhaseContext<I>, "runId" | "input" | "results">;

/** A lookup of the phase's effect in the world. */
export type ReconcileResult<V> = { found: true; value: V } | { found: false };

/**
 * One step of a workflow, as a plain value. `run` performs at most one side
 * effect; `reconcile` looks that effect up so a crash or an indeterminate
 * failure never leads to doing it twice; `postcondition` observes the effect
 * instead of trusting `run`'s word. `V` must be JSON-serialisable: it is
 * journaled and handed to later phases and to `compensate`.
 */
export interface Phase<I, V> {
  readonly name: string;
  /** A failure leaves the phase `degraded` (or `skipped`) and the workflow continues. */
  readonly optional?: boolean;
  /** Whether `run` changes the world (default true). Pure phases are never reconciled. */
  readonly sideEffect?: boolean;
  /** Retry-budget key shared by phases that call the same service ("github"). */
  readonly target?: string;
  /** Default `${runId}:${name}`. */
  idempotencyKey?(ctx: PhaseKeyContext<I>): string;
  /** A failure here means "cannot start" (an optional phase is then skipped). */
  precondition?(ctx: PhaseContext<I>): Promise<Result<void, string>>;
  run(ctx: PhaseContext<I>): Promise<V>;
  /** Observes the effect `run` claims; not ok pauses the run. */
  postcondition?(ctx: PhaseContext<I>, value: V): Promise<Result<void, string>>;
  /** Looks the effect up by `ctx.idempotencyKey`; required to retry a side effect safely. */
  reconcile?(ctx: PhaseContext<I>): Promise<ReconcileResult<V>>;
  /** Undoes the effect on rollback; must tolerate being called again after a crash. */
  compensate?(ctx: PhaseContext<I>, value: V): Promise<void>;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-attempt limit, measured on the injected clock. */
  readonly timeoutMs?: number;
  /** Longest time without `ctx.progress()` before the attempt is aborted. */
  readonly inactivityMs?: number;
}

export interface Workflow<I> {
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: phases of one workflow return different value types.
  readonly phases: readonly Phase<I, any>[];
}

/** Phase names become journal keys and parts of idempotency keys and file names. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const isFunction = (value: unknown) => typeof value === "function";
const optionalFunction = z.custom<(...args: never[]) => unknown>(isFunction).optional();
const positiveMs = z.number().int().positive().optional();

const phaseSchema = z.object({
  name: z.string().regex(NAME, "must be letters, digits, '.', '_' or '-', starting alphanumeric"),
  optional: z.boolean().optional(),
  sideEffect: z.boolean().optional(),
  target: z.string().min(1).optional(),
  idempotencyKey: optionalFunction,
  precondition: optionalFunction,
  run: z.custom<(...args: never[]) => unknown>(isFunction, "must be a function"),
  postcondition: optionalFunction,
  reconcile: optionalFunction,
  compensate: optionalFunction,
  retry: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: positiveMs,
  inactivityMs: positiveMs,
});

const workflowSchema = z.object({
  name: z.string().regex(NAME, "must be letters, digits, '.', '_' or '-', starting alphanumeric"),
  phases: z.array(phaseSchema).min(1, "needs at least one phase"),
});

/**
 * Validates a workflow once, where it enters: names well formed and unique,
 * `run` present, limits positive. Throws a TypeError naming the bad field.
 */
export function defineWorkflow<I>(workflow: Workflow<I>): Workflow<I> {
  const parsed = workflowSchema.safeParse(workflow);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ["workflow", ...(issue?.path ?? [])].join(".");
    throw new TypeError(`Invalid workflow: ${field} ${issue?.message ?? "is invalid"}.`);
  }
  const seen = new Set<string>();
  workflow.phases.forEach((phase, index) => {
    if (seen.has(phase.name)) {
      throw new TypeError(
        `Invalid workflow: workflow.phases.${index}.name "${phase.name}" is used by an earlier phase; phase names must be unique.`,
      );
    }
    seen.add(phase.name);
  });
  return workflow;
}

/** Whether the phase changes the world (the default). */
export function hasSideEffect(phase: Phase<unknown, unknown>): boolean {
  return phase.sideEffect !== false;
}
