/**
 * The contract between the engine and the run store. The store knows
 * nothing of phases: it keeps an append-only, hash-chained journal of typed
 * records and atomic snapshots of whatever state the engine folds from them.
 */

/** One line of `journal.ndjson`. */
export interface JournalRecord<T = unknown> {
  /** 1, 2, 3 … with no gaps. */
  seq: number;
  /** ISO-8601 UTC. */
  at: string;
  /** The fencing token of the writer that held the lock. */
  fence: number;
  type: string;
  data: T;
  /** The previous record's `sha256` ("" for seq 1), hex. */
  prevHash: string;
  /** sha256 over this record without the `sha256` field, hex. */
  sha256: string;
}

/** What start-up recovery found and did. */
export interface RecoveryReport {
  /** Bytes of a torn or corrupt journal tail that were dropped. */
  droppedBytes: number;
  /** Snapshot files that failed validation and were set aside. */
  snapshotsRejected: string[];
  /** Stray temp files removed. */
  tempFilesRemoved: string[];
  /** Whether anything needed repair. */
  repaired: boolean;
  /** Set when the run lock was taken from a dead, stale or unreadable holder. */
  lockTakeover?: LockTakeover;
  /** Why each rejected snapshot was rejected, and where it was set aside. */
  snapshotRejections?: { path: string; reason: string; movedTo: string | undefined }[];
  /** Why the journal tail was dropped (the first invalid line). */
  journalBreak?: string;
  /**
   * Where a dropped journal tail that held complete lines (damage, not just
   * a torn last write) was copied before the journal was truncated.
   */
  journalTailSavedAs?: string;
  /**
   * Set when the newest valid snapshot was ahead of the journal: records
   * `afterSeq + 1 … snapshotSeq` exist only in that snapshot, and a
   * `store.journal-rebased` record now marks the gap in the journal.
   */
  journalRebased?: { afterSeq: number; snapshotSeq: number };
}

/** How the run lock was taken over. */
export interface LockTakeover {
  /** `dead`: same host, pid gone. `stale`: another host, older than the stale timeout. `unreadable`: a torn lock file. */
  reason: "dead" | "stale" | "unreadable";
  /** The holder that was replaced, when its lock file could be read. */
  previous: { pid: number; hostname: string; startedAt: string; token: number } | undefined;
  /** The new holder's fencing token. */
  token: number;
  /** One sentence for logs and events. */
  detail: string;
}

/** What the engine rebuilds its state from. */
export interface LoadedRun<S> {
  /** The newest valid snapshot, if any. */
  snapshot: { seq: number; state: S } | undefined;
  /** Valid journal records after the snapshot (all of them if none). */
  records: JournalRecord[];
  recovery: RecoveryReport;
}

export interface AppendOptions {
  /**
   * Default true. False defers the fsync: the record is written and becomes
   * durable with the next durable append, snapshot or close. A crash before
   * then may lose it (never an acknowledged record before it). For records
   * whose loss costs a look-up, not a duplicate: a phase's result is
   * followed by the next phase's intent, whose fsync covers it, before any
   * other effect.
   */
  durable?: boolean;
}

export interface RunStore<S = unknown> {
  readonly runId: string;
  /** `<repo>/.workflowmaster/runs/<run-id>`. */
  readonly dir: string;
  /** This writer's fencing token. */
  readonly fence: number;
  /**
   * Appends one record and fsyncs it. When the promise resolves the record
   * is acknowledged: it survives any crash. Rejects with WFM-RUN-FENCED if a
   * newer lock holder exists. With `{ durable: false }` see `AppendOptions`.
   */
  append<T>(type: string, data: T, options?: AppendOptions): Promise<JournalRecord<T>>;
  /** Atomically writes a snapshot of `state` as of the last appended seq. */
  snapshot(state: S): Promise<void>;
  /** Releases the lock. The store cannot be used afterwards. */
  close(): Promise<void>;
  /**
   * What the kernel does when the process dies: closes the store's open
   * files, writes nothing, keeps the lock (the next process takes it over
   * from the dead holder). For in-process crash simulation. The store
   * cannot be used afterwards.
   */
  abandon(): Promise<void>;
}
