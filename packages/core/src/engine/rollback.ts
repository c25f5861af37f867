import type { WorkflowMasterError } from "../errors/index.js";
import { wfmError } from "../errors/index.js";
import { FaultPoint } from "../ports/index.js";
import { retry } from "../retry/index.js";
import type { Phase, PhaseContext, Workflow } from "./phase.js";
import { hasSideEffect } from "./phase.js";
import { completedResults, toJournalValue } from "./run-phase.js";
import type { RunSession } from "./run-session.js";
import type { PhaseSnapshot, RunSnapshot } from "./run-state.js";
import { PhaseEffect, RecordType, RunState } from "./run-state.js";
import { runWithWatchdog } from "./watchdog.js";

/** What a rollback would do (or did) for one phase, newest first. */
export interface RollbackStep {
  phase: string;
  /**
   * `compensate`: its effect is applied and it has a compensation.
   * `reconcile-then-compensate`: its effect is unknown; it is looked up first.
   * `check-by-hand`: its effect is unknown and it has no lookup.
   * `keep`: its effect is applied and it declares no compensation.
   */
  action: "compensate" | "reconcile-then-compensate" | "check-by-hand" | "keep";
}

// biome-ignore lint/suspicious/noExplicitAny: a workflow's phases return different value types.
type AnyPhase<I> = Phase<I, any>;

/**
 * The rollback plan from a snapshot: side-effecting phases whose effect is
 * applied or unknown and not yet compensated, newest first. Pure; this is
 * all `--dry-run` does.
 */
export function planRollback<I>(workflow: Workflow<I>, state: RunSnapshot): RollbackStep[] {
  const steps: RollbackStep[] = [];
  for (let index = workflow.phases.length - 1; index >= 0; index -= 1) {
    const phase = workflow.phases[index] as AnyPhase<I>;
    const snap = state.phases[index] as PhaseSnapshot;
    if (!hasSideEffect(phase)) continue;
    if (snap.effect === PhaseEffect.Applied) {
      steps.push({ phase: phase.name, action: phase.compensate ? "compensate" : "keep" });
    } else if (snap.effect === PhaseEffect.Unknown) {
      steps.push({
        phase: phase.name,
        action: phase.reconcile ? "reconcile-then-compensate" : "check-by-hand",
      });
    }
  }
  return steps;
}

export interface RollbackResult {
  compensated: string[];
  /** Phases whose effect may remain in the world. */
  incomplete: string[];
  /** Phases kept as they are because they declare no compensation. */
  kept: string[];
  error: WorkflowMasterError | undefined;
  interrupted: boolean;
}

/**
 * Runs compensations newest first, best effort: each outcome is journaled
 * (`phase.compensation`) and emitted, a failure is collected and the next
 * compensation still runs. A phase whose compensation is already journaled
 * ok is not undone twice when a crashed rollback is run again. A phase
 * whose effect is unknown is looked up first; only a found effect is undone.
 */
export async function rollbackRun<I>(
  session: RunSession,
  workflow: Workflow<I>,
  options: { signal: AbortSignal | undefined },
): Promise<RollbackResult> {
  const runId = session.runId;
  const { clock, random } = session.ports;
  if (session.state.state !== RunState.RollingBack) {
    await session.journal(RecordType.RollbackStarted, { fromState: session.state.state });
  }
  const result: RollbackResult = {
    compensated: [],
    incomplete: [],
    kept: [],
    error: undefined,
    interrupted: false,
  };
  const input = session.state.input as I;
  const results = completedResults(session.state);

  for (let index = workflow.phases.length - 1; index >= 0; index -= 1) {
    if (options.signal?.aborted) {
      result.interrupted = true;
      return result;
    }
    const phase = workflow.phases[index] as AnyPhase<I>;
    const name = phase.name;
    const snap = () => session.state.phases[index] as PhaseSnapshot;
    if (!hasSideEffect(phase)) continue;
    const key = snap().key ?? `${runId}:${name}`;
    const context = { runId, phase: name, key };
    const ctx = (signal: AbortSignal, progress: (note?: string) => void): PhaseContext<I> => ({
      runId,
      input,
      results,
      attempt: snap().attempts,
      signal,
      progress,
      ports: session.ports,
      idempotencyKey: key,
    });
    const watched = <T>(work: (c: PhaseContext<I>) => Promise<T>, signal: AbortSignal) =>
      runWithWatchdog((w) => work(ctx(w.signal, w.progress)), {
        clock,
        ...(phase.timeoutMs === undefined ? {} : { timeoutMs: phase.timeoutMs }),
        ...(phase.inactivityMs === undefined ? {} : { inactivityMs: phase.inactivityMs }),
        signal,
        context,
      });
    const retryOptions = {
      ...(phase.retry === undefined ? {} : { policy: phase.retry }),
      clock,
      random,
      classify: (error: unknown) =>
        session.halted
          ? (session.storeFailure ?? wfmError("WFM-INTERNAL", { cause: error }))
          : session.classify(error, context),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      context,
    };

    const recordFailure = async (error: WorkflowMasterError, journaled: boolean) => {
      if (journaled) {
        await session.journal(RecordType.PhaseCompensation, {
          phase: name,
          ok: false,
          detail: error.message,
          error: error.toJSON(),
        });
      }
      await session.emit({
        type: "phase.compensated",
        runId,
        phase: name,
        ok: false,
        detail: `${error.code}: ${error.message}`,
      });
      result.incomplete.push(name);
    };

    try {
      if (snap().effect === PhaseEffect.Unknown) {
        const reconcile = phase.reconcile;
        if (reconcile === undefined) {
          await recordFailure(
            wfmError("WFM-PHASE-UNRECONCILABLE", {
              message: `Phase \`${name}\` may have applied its effect and has no reconcile step; it was not undone.`,
              context,
            }),
            false,
          );
          continue;
        }
        const found = await retry(({ signal }) => watched(reconcile, signal), retryOptions);
        await session.journal(RecordType.PhaseReconciled, {
          phase: name,
          found: found.found,
          ...(found.found
            ? { value: toJournalValue(`The value of phase \`${name}\``, found.value) }
            : {}),
        });
        await session.emit({ type: "phase.reconciled", runId, phase: name, found: found.found });
      }
      if (snap().effect !== PhaseEffect.Applied) continue;
      const compensate = phase.compensate;
      if (compensate === undefined) {
        result.kept.push(name);
        continue;
      }
      const value = snap().value;
      await retry(({ signal }) => watched((c) => compensate(c, value), signal), retryOptions);
      await session.hit(FaultPoint.PhaseCompensated, name);
      await session.journal(RecordType.PhaseCompensation, { phase: name, ok: true });
      await session.emit({ type: "phase.compensated", runId, phase: name, ok: true });
      result.compensated.push(name);
    } catch (thrown) {
      if (session.halted) throw thrown;
      if (options.signal?.aborted) {
        result.interrupted = true;
        return result;
      }
      const error = session.classify(thrown, context);
      // A failed lookup leaves the effect unknown: nothing to journal against it.
      await recordFailure(error, snap().effect === PhaseEffect.Applied);
    }
  }

  if (result.incomplete.length > 0) {
    result.error = wfmError("WFM-ROLLBACK-INCOMPLETE", {
      message: `Rollback of run ${runId} could not undo ${result.incomplete.map((phase) => `\`${phase}\``).join(", ")}.`,
      context: { runId, detail: result.incomplete.join(", ") },
    });
  }
  await session.journal(RecordType.RunRolledBack, {
    incomplete: result.incomplete,
    ...(result.error === undefined ? {} : { error: result.error.toJSON() }),
  });
  await session.emit({ type: "run.rolled-back", runId, incomplete: result.incomplete });
  return result;
}
