import type { ErrorContext, WorkflowMasterError } from "../errors/index.js";
import { classify } from "../errors/index.js";
import type { ErrorSummary, EventSink, WorkflowEvent } from "../monitor/events.js";
import type { FaultPoint, Ports } from "../ports/index.js";
import type { AppendOptions, RunStore } from "../state/run-store-types.js";
import type { CrashGuard } from "./crash-guard.js";
import type { RecordData, RecordType, RunSnapshot } from "./run-state.js";
import { reduce } from "./run-state.js";

/**
 * One process's hold on one run: the open store, the snapshot folded from
 * every record written so far, and the event sinks. The engine changes the
 * run only through `journal`, so the in-memory snapshot is always exactly
 * what a restart would rebuild from disk.
 */
export interface RunSession {
  readonly runId: string;
  readonly ports: Ports;
  readonly store: RunStore;
  /** The snapshot as of the last acknowledged record. */
  readonly state: RunSnapshot;
  /** The store failed: nothing more may be written (set once). */
  readonly storeFailure: WorkflowMasterError | undefined;
  readonly guard: CrashGuard;
  /** A crash or a store failure: stop, write nothing more. */
  readonly halted: boolean;
  /** Sink and lock-release failures: surfaced on the outcome, never dropped. */
  readonly warnings: WorkflowMasterError[];
  /** Appends, fsyncs (unless deferred, see `AppendOptions`) and folds one record. */
  journal<T extends RecordType>(
    type: T,
    data: RecordData<T>,
    options?: AppendOptions,
  ): Promise<void>;
  emit(event: WorkflowEvent): Promise<void>;
  hit(point: FaultPoint, phase?: string): Promise<void>;
  /** Snapshots at a phase boundary once `snapshotEvery` records have accumulated. */
  checkpoint(phase: string): Promise<void>;
  /** Snapshots whatever is not yet in a snapshot (end of a run's turn). */
  settle(): Promise<void>;
  /** Releases the lock; a failure becomes a warning. Not after a crash. */
  close(): Promise<void>;
  classify(error: unknown, context?: ErrorContext): WorkflowMasterError;
}

export interface RunSessionOptions {
  ports: Ports;
  store: RunStore;
  /** Undefined only for a new run, whose first record is `run.created`. */
  state: RunSnapshot | undefined;
  sinks: readonly EventSink[];
  guard: CrashGuard;
  /** Snapshot after at least this many records, at phase boundaries. */
  snapshotEvery: number;
  /** Closed after the store (abandoned on a crash), e.g. the run's event log. */
  closers?: readonly { close(): Promise<void>; abandon(): Promise<void> }[];
}

export function createRunSession(options: RunSessionOptions): RunSession {
  const { ports, store, sinks, guard, snapshotEvery } = options;
  let state = options.state;
  let storeFailure: WorkflowMasterError | undefined;
  let sinceSnapshot = 0;
  const warnings: WorkflowMasterError[] = [];
  // A dying process's files are closed by the kernel; nothing is written.
  guard.onCrash(async () => {
    await store.abandon();
    for (const closer of options.closers ?? []) await closer.abandon();
  });

  const classifyHere = (error: unknown, context: ErrorContext = {}) =>
    classify(error, { now: ports.clock.now(), context: { runId: store.runId, ...context } });

  const current = (): RunSnapshot => {
    if (state === undefined) {
      throw new TypeError(`Run ${store.runId} has no state yet: journal run.created first.`);
    }
    return state;
  };

  const guarded = async <T>(operation: () => Promise<T>): Promise<T> => {
    if (guard.crashed) throw guard.crash;
    if (storeFailure !== undefined) throw storeFailure;
    try {
      return await operation();
    } catch (error) {
      if (guard.crashed) throw guard.crash;
      // After a failed append or snapshot the journal's tail is the store's
      // to repair at the next open; writing more now could only make it worse.
      // The store names no path for a failed write on a descriptor: give its directory.
      storeFailure = classifyHere(error, { path: store.dir });
      throw storeFailure;
    }
  };

  const snapshotNow = async () => {
    const snapshot = current();
    await guarded(() => store.snapshot(snapshot));
    sinceSnapshot = 0;
  };

  return {
    runId: store.runId,
    ports,
    store,
    get state() {
      return current();
    },
    get storeFailure() {
      return storeFailure;
    },
    guard,
    get halted() {
      return guard.crashed || storeFailure !== undefined;
    },
    warnings,
    async journal(type, data, appendOptions) {
      const record = await guarded(() => store.append(type, data, appendOptions));
      state = reduce(state, record);
      sinceSnapshot += 1;
    },
    async emit(event) {
      // A dead process emits nothing.
      if (guard.crashed) return;
      for (const sink of sinks) {
        try {
          await sink.emit(event);
        } catch (error) {
          // Listeners observe, they never steer: a broken sink does not stop
          // the run, but its failure is kept and reported on the outcome.
          warnings.push(classifyHere(error, { detail: `event sink failure on ${event.type}` }));
        }
      }
    },
    async hit(point, phase) {
      await guard.faultPoints.hit(point, {
        runId: store.runId,
        ...(phase === undefined ? {} : { phase }),
      });
    },
    async checkpoint(phase) {
      if (sinceSnapshot < snapshotEvery) return;
      await snapshotNow();
      await this.emit({
        type: "phase.checkpointed",
        runId: store.runId,
        phase,
        seq: current().seq,
      });
    },
    async settle() {
      if (sinceSnapshot > 0) await snapshotNow();
    },
    async close() {
      if (guard.crashed) return;
      try {
        await store.close();
      } catch (error) {
        if (guard.crashed) throw guard.crash;
        warnings.push(classifyHere(error, { detail: "releasing the run lock" }));
      }
      for (const closer of options.closers ?? []) {
        try {
          await closer.close();
        } catch (error) {
          warnings.push(classifyHere(error, { detail: "closing the run's event log" }));
        }
      }
    },
    classify: classifyHere,
  };
}

/** The form errors take in events. */
export function summarise(error: WorkflowMasterError): ErrorSummary {
  return {
    code: error.code,
    kind: error.kind,
    message: error.message,
    guidance: error.guidance,
    ...(error.command === undefined ? {} : { command: error.command }),
  };
}
