import type { WorkflowMasterError } from "../errors/index.js";
import { CATALOGUE, type ErrorCode, ErrorKind, wfmError } from "../errors/index.js";
import { FaultPoint } from "../ports/index.js";
import type { RetryBudget, RetryInfo } from "../retry/index.js";
import { retry } from "../retry/index.js";
import type { Phase, PhaseContext, ReconcileResult, Workflow } from "./phase.js";
import { hasSideEffect } from "./phase.js";
import type { RunSession } from "./run-session.js";
import { summarise } from "./run-session.js";
import type { PhaseSnapshot, RunSnapshot } from "./run-state.js";
import { PhaseEffect, RecordType } from "./run-state.js";
import { runWithWatchdog } from "./watchdog.js";

/** How one phase's turn ended, as the run loop sees it. */
export type PhaseStep =
  /** Completed, skipped or degraded: go on to the next phase. */
  | { kind: "done" }
  /** The run is now paused or failed (journaled); stop. */
  | { kind: "stopped"; error: WorkflowMasterError }
  /** The caller's signal fired: stop at this safe point, run still resumable. */
  | { kind: "interrupted" };

export interface PhaseRunOptions {
  budget: RetryBudget | undefined;
  resourceCheck:
    | ((phase: string, runDir: string) => Promise<WorkflowMasterError | undefined>)
    | undefined;
  signal: AbortSignal | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: a workflow's phases return different value types.
type AnyPhase<I> = Phase<I, any>;

/** Values of the phases that completed, by name: what later phases see. */
export function completedResults(state: RunSnapshot): Record<string, unknown> {
  const results: Record<string, unknown> = {};
  for (const phase of state.phases) {
    if (phase.status === "completed") results[phase.name] = phase.value;
  }
  return Object.freeze(results);
}

/**
 * Values are journaled: refuse what JSON would silently change or drop, and
 * return the value as a reload would see it. `what` names it in the error.
 */
export function toJournalValue(what: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`${what} is not JSON-serialisable: ${String(error)}`);
  }
  if (text === undefined) {
    throw new TypeError(`${what} cannot be held in JSON (it is a ${typeof value}).`);
  }
  return JSON.parse(text) as unknown;
}

/** Whether a required phase's failure ends the run (`failed`) or waits for a person (`paused`). */
export function failsRun(error: WorkflowMasterError): boolean {
  if (error.kind !== ErrorKind.Permanent) return false;
  return CATALOGUE.get(error.code as ErrorCode)?.pausable !== true;
}

/**
 * One phase's turn: reconcile a dangling intent, check resources and the
 * precondition, journal the intent, run the attempts under the retry policy
 * and the watchdog, observe the postcondition, journal the result. Failures
 * follow the rule: an optional phase degrades and the run goes on; a
 * required phase fails the run only for a permanent, non-pausable error, and
 * pauses it for everything else.
 */
export async function runPhase<I>(
  session: RunSession,
  workflow: Workflow<I>,
  index: number,
  options: PhaseRunOptions,
): Promise<PhaseStep> {
  const phase = workflow.phases[index] as AnyPhase<I>;
  const { clock, random } = session.ports;
  const runId = session.runId;
  const name = phase.name;
  const sideEffect = hasSideEffect(phase);
  const snap = (): PhaseSnapshot => session.state.phases[index] as PhaseSnapshot;
  const startedAt = clock.now();
  const input = session.state.input as I;
  const results = completedResults(session.state);

  let key = snap().key ?? "";
  const context = () => ({ runId, phase: name, key });
  const classifyHere = (error: unknown) => session.classify(error, context());

  const makeContext = (
    attempt: number,
    signal: AbortSignal,
    progress: (note?: string) => void,
  ): PhaseContext<I> => ({
    runId,
    input,
    results,
    attempt,
    signal,
    progress,
    ports: session.ports,
    idempotencyKey: key,
  });

  // Looks the effect up, once, under the phase's timeout.
  const lookUp = async (signal: AbortSignal | undefined): Promise<ReconcileResult<unknown>> => {
    const reconcile = phase.reconcile;
    if (reconcile === undefined) throw unreconcilable(session, name, key);
    return runWithWatchdog(
      (watched) => reconcile(makeContext(snap().attempts, watched.signal, watched.progress)),
      {
        clock,
        ...(phase.timeoutMs === undefined ? {} : { timeoutMs: phase.timeoutMs }),
        ...(signal === undefined ? {} : { signal }),
        context: context(),
      },
    );
  };

  const retryOptions = () => ({
    ...(phase.retry === undefined ? {} : { policy: phase.retry }),
    clock,
    random,
    // Once the process is "dead" or the store broken, nothing is retried.
    classify: (error: unknown) =>
      session.halted ? stopRetrying(session, error) : classifyHere(error),
    // The budget is keyed by target; a phase without one has no shared budget.
    ...(options.budget !== undefined && phase.target !== undefined
      ? { budget: options.budget, target: phase.target }
      : {}),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    context: context(),
    onRetry: async ({ attempt, delayMs, error, serverHinted }: RetryInfo) => {
      await session.emit({
        type: "phase.retrying",
        runId,
        phase: name,
        attempt,
        delayMs,
        cause: summarise(error),
      });
      if (serverHinted && phase.target !== undefined) {
        await session.emit({
          type: "rate-limit.waiting",
          runId,
          target: phase.target,
          until: new Date(clock.now() + delayMs).toISOString(),
          delayMs,
        });
      }
    },
  });

  const interrupted = () => options.signal?.aborted === true;

  const complete = async (value: unknown, reconciled: boolean): Promise<PhaseStep> => {
    // Deferred: the next durable record (the next phase's intent, the run's
    // end, a snapshot or closing the store) fsyncs it before any other
    // effect, and a crash that loses it costs one look-up, never a redo.
    await session.journal(
      RecordType.PhaseResult,
      { phase: name, value, reconciled },
      { durable: false },
    );
    await session.hit(FaultPoint.PhaseResultRecorded, name);
    await session.emit({
      type: "phase.completed",
      runId,
      phase: name,
      durationMs: clock.now() - startedAt,
    });
    await session.checkpoint(name);
    return { kind: "done" };
  };

  const fail = async (error: WorkflowMasterError): Promise<PhaseStep> => {
    if (phase.optional === true) {
      await session.journal(RecordType.PhaseDegraded, {
        phase: name,
        reason: error.message,
        error: error.toJSON(),
      });
      await session.emit({ type: "phase.degraded", runId, phase: name, reason: error.message });
      await session.checkpoint(name);
      return { kind: "done" };
    }
    await session.journal(RecordType.PhaseFailed, { phase: name, error: error.toJSON() });
    await session.emit({ type: "phase.failed", runId, phase: name, error: summarise(error) });
    return stopRun(session, error, name);
  };

  // Every exit below that is not a crash or a store failure is data.
  const settleError = async (thrown: unknown): Promise<PhaseStep> => {
    if (session.halted) throw thrown;
    if (interrupted()) return { kind: "interrupted" };
    return fail(classifyHere(thrown));
  };

  try {
    if (key === "") key = computeKey(phase, { runId, input, results });

    // 1. A crash (or a failure) between intent and result: look before redoing.
    if (snap().effect === PhaseEffect.Unknown && sideEffect) {
      if (phase.reconcile === undefined) return await fail(unreconcilable(session, name, key));
      const found = await retry(({ signal }) => lookUp(signal), retryOptions());
      if (found.found) {
        await session.emit({ type: "phase.reconciled", runId, phase: name, found: true });
        return await complete(toJournalValue(`The value of phase \`${name}\``, found.value), true);
      }
      await session.journal(RecordType.PhaseReconciled, { phase: name, found: false });
      await session.emit({ type: "phase.reconciled", runId, phase: name, found: false });
    }
    if (interrupted()) return { kind: "interrupted" };

    // 2. Resources: a machine problem pauses the run before anything is written.
    if (options.resourceCheck !== undefined) {
      const problem = await options.resourceCheck(name, session.store.dir);
      if (problem !== undefined) return await stopRun(session, problem, name);
    }

    // 3. Precondition: an optional phase that cannot start is skipped.
    if (phase.precondition !== undefined) {
      const ready = await runWithWatchdog(
        (watched) =>
          (phase.precondition as NonNullable<typeof phase.precondition>)(
            makeContext(snap().attempts + 1, watched.signal, watched.progress),
          ),
        {
          clock,
          ...(phase.timeoutMs === undefined ? {} : { timeoutMs: phase.timeoutMs }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          context: context(),
        },
      );
      if (!ready.ok) {
        if (phase.optional === true) {
          await session.journal(RecordType.PhaseSkipped, { phase: name, reason: ready.error });
          await session.emit({ type: "phase.skipped", runId, phase: name, reason: ready.error });
          await session.checkpoint(name);
          return { kind: "done" };
        }
        return await fail(
          wfmError("WFM-PHASE-PRECONDITION", {
            message: `Phase \`${name}\` cannot start: ${ready.error}.`,
            context: { ...context(), detail: ready.error },
          }),
        );
      }
    }

    // 4. Attempts: intent before effect, reconcile before any re-run.
    let lastFailure: unknown;
    const outcome = await retry(async ({ signal }) => {
      if (snap().effect === PhaseEffect.Unknown && sideEffect) {
        // The previous attempt may have applied the effect before failing
        // (a reset after the server acted): look it up, never guess.
        if (phase.reconcile === undefined) {
          throw unreconcilable(session, name, key, lastFailure);
        }
        const found = await lookUp(signal);
        await session.emit({ type: "phase.reconciled", runId, phase: name, found: found.found });
        if (found.found)
          return {
            value: toJournalValue(`The value of phase \`${name}\``, found.value),
            reconciled: true,
          };
        await session.journal(RecordType.PhaseReconciled, { phase: name, found: false });
      }
      const attempt = snap().attempts + 1;
      await session.journal(RecordType.PhaseIntent, { phase: name, attempt, key });
      await session.hit(FaultPoint.PhaseIntentRecorded, name);
      await session.emit({ type: "phase.started", runId, phase: name, attempt });
      try {
        const value = await runWithWatchdog(
          (watched) => phase.run(makeContext(attempt, watched.signal, watched.progress)),
          {
            clock,
            ...(phase.timeoutMs === undefined ? {} : { timeoutMs: phase.timeoutMs }),
            ...(phase.inactivityMs === undefined ? {} : { inactivityMs: phase.inactivityMs }),
            signal,
            context: context(),
          },
        );
        const journaled = toJournalValue(`The value of phase \`${name}\``, value);
        await session.hit(FaultPoint.PhaseEffectApplied, name);
        if (phase.postcondition !== undefined) {
          const observed = await phase.postcondition(
            makeContext(attempt, signal, noProgress),
            value,
          );
          if (!observed.ok) {
            throw wfmError("WFM-PHASE-POSTCONDITION", {
              message: `Phase \`${name}\` reported success, but ${observed.error}.`,
              context: { ...context(), detail: observed.error },
            });
          }
        }
        return { value: journaled, reconciled: false };
      } catch (error) {
        lastFailure = error;
        throw error;
      }
    }, retryOptions());
    return await complete(outcome.value, outcome.reconciled);
  } catch (error) {
    return settleError(error);
  }
}

/** Journals `run.paused` or `run.failed` by the failure rule, and says so. */
export async function stopRun(
  session: RunSession,
  error: WorkflowMasterError,
  phase: string | undefined,
): Promise<PhaseStep> {
  const data = { ...(phase === undefined ? {} : { phase }), error: error.toJSON() };
  if (failsRun(error)) {
    await session.journal(RecordType.RunFailed, data);
    await session.emit({ type: "run.failed", runId: session.runId, error: summarise(error) });
  } else {
    await session.journal(RecordType.RunPaused, data);
    await session.emit({ type: "run.paused", runId: session.runId, error: summarise(error) });
  }
  return { kind: "stopped", error };
}

function computeKey<I>(
  phase: AnyPhase<I>,
  ctx: { runId: string; input: I; results: Readonly<Record<string, unknown>> },
): string {
  const key = phase.idempotencyKey?.(ctx) ?? `${ctx.runId}:${phase.name}`;
  if (typeof key !== "string" || key === "") {
    throw new TypeError(
      `Phase \`${phase.name}\`: idempotencyKey() must return a non-empty string.`,
    );
  }
  return key;
}

export function unreconcilable(
  session: RunSession,
  phase: string,
  key: string,
  cause?: unknown,
): WorkflowMasterError {
  return wfmError("WFM-PHASE-UNRECONCILABLE", {
    message: `Phase \`${phase}\` stopped after recording its intent${cause === undefined ? "" : ` (${describe(cause)})`}, and it has no reconcile step, so it was not redone.`,
    context: { runId: session.runId, phase, key },
    cause,
  });
}

/** What a retry loop is told once the run is halted: stop, at once. */
function stopRetrying(session: RunSession, error: unknown): WorkflowMasterError {
  return session.storeFailure ?? wfmError("WFM-INTERNAL", { cause: error });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function noProgress(): void {
  // A postcondition is an observation, not watched for inactivity.
}
