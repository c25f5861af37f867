export { type AtomicWriteOptions, writeFileAtomic } from "./atomic-write.js";
export { canonicalJson } from "./canonical-json.js";
export { ensureDirectory } from "./ensure-directory.js";
export { ensureGitExclude, STATE_EXCLUDE_LINE } from "./ensure-git-exclude.js";
export {
  createJournalWriter,
  JOURNAL_REBASED,
  type JournalAppend,
  type JournalBreak,
  type JournalPosition,
  type JournalScan,
  type JournalWriter,
  type JournalWriterOptions,
  RESERVED_TYPE_PREFIX,
  readJournal,
  recordHash,
  scanJournal,
  truncateJournal,
} from "./journal.js";
export { assertValidRunId, isValidRunId, RUN_ID_PATTERN } from "./run-id.js";
export {
  type AcquireRunLockOptions,
  acquireRunLock,
  describeHolder,
  LOCK_FILE,
  type LockRead,
  RELEASED_LOCK_FILE,
  type RunLock,
  readRunLock,
} from "./run-lock.js";
export { type RunPaths, runPaths, stateRoot } from "./run-paths.js";
export {
  createRunStore,
  listRuns,
  type OpenedRun,
  openRunStore,
  type ReadRunResult,
  readRun,
} from "./run-store.js";
export {
  DEFAULT_KEEP_SNAPSHOTS,
  DEFAULT_STALE_LOCK_MS,
  DEFAULT_TORN_LOCK_GRACE_MS,
  type ReadRunOptions,
  type RunStoreOptions,
} from "./run-store-options.js";
export type {
  AppendOptions,
  JournalRecord,
  LoadedRun,
  LockTakeover,
  RecoveryReport,
  RunStore,
} from "./run-store-types.js";
export {
  findStrayTempFiles,
  listSnapshots,
  loadNewestSnapshot,
  pruneSnapshots,
  removeStrayTempFiles,
  type SnapshotEntry,
  type SnapshotLoad,
  type SnapshotRejection,
  type SnapshotVerdict,
  snapshotFileName,
  snapshotPruner,
  snapshotSeqOf,
  verifySnapshot,
  type WriteSnapshotOptions,
  writeSnapshot,
} from "./snapshot-store.js";
export {
  journalRecordSchema,
  type LockFile,
  lockFileSchema,
  SNAPSHOT_SCHEMA_VERSION,
  type SnapshotFile,
  snapshotFileSchema,
} from "./state-schema.js";
export { TEMP_PREFIX } from "./temp-file-name.js";
