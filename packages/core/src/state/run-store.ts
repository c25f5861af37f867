import { wfmError } from "../errors/catalogue.js";
import { isoTime } from "../ports/clock.js";
import type { FileSystem } from "../ports/file-system.js";
import { writeFileAtomic } from "./atomic-write.js";
import { ensureDirectory } from "./ensure-directory.js";
import { hasErrno } from "./has-errno.js";
import {
  createJournalWriter,
  JOURNAL_REBASED,
  type JournalScan,
  type JournalWriter,
  RESERVED_TYPE_PREFIX,
  readJournal,
  scanJournal,
  truncateJournal,
} from "./journal.js";
import { isValidRunId } from "./run-id.js";
import { acquireRunLock, type LockRead, type RunLock, readRunLock } from "./run-lock.js";
import { type RunPaths, runPaths } from "./run-paths.js";
import {
  type ReadRunOptions,
  type ResolvedRunStoreOptions,
  type RunStoreOptions,
  resolveListRunsOptions,
  resolveReadRunOptions,
  resolveRunStoreOptions,
} from "./run-store-options.js";
import type {
  AppendOptions,
  JournalRecord,
  LoadedRun,
  RecoveryReport,
  RunStore,
} from "./run-store-types.js";
import { sameBytes } from "./same-bytes.js";
import { createSerialQueue } from "./serial-queue.js";
import {
  findStrayTempFiles,
  freeCorruptPath,
  loadNewestSnapshot,
  pruneSnapshots,
  removeStrayTempFiles,
  type SnapshotLoad,
  writeSnapshot,
} from "./snapshot-store.js";
import { withCleanupError } from "./with-cleanup-error.js";

/** What `openRunStore` returns: the store, and what to rebuild state from. */
export interface OpenedRun<S> {
  store: RunStore<S>;
  loaded: LoadedRun<S>;
}

/** What `readRun` returns: the load as `openRunStore` would see it, without repairing anything. */
export interface ReadRunResult<S> extends LoadedRun<S> {
  /** Who holds the run lock right now, if anyone. */
  lock: LockRead;
  /** Temp files a crash left behind (the next open removes them). */
  strayTempFiles: string[];
}

/**
 * Creates a new run: its directories (each made durable), the lock, and an
 * empty journal, whose existence is what makes the run exist. Fails with
 * WFM-RUN-EXISTS if the run already has a journal or snapshots.
 */
export async function createRunStore<S = unknown>(options: RunStoreOptions): Promise<RunStore<S>> {
  const o = resolveRunStoreOptions(options);
  const paths = runPaths(o.root, o.runId);
  if (await runExists(o.fs, paths)) throw runExistsError(o, paths);
  await ensureDirectory(o.fs, paths.snapshots);
  const lock = await acquireRunLock({ ...o, dir: paths.dir, minToken: 0 });
  try {
    // Left by an earlier attempt that crashed before creating the journal.
    await removeStrayTempFiles(o.fs, paths.dir);
    await removeStrayTempFiles(o.fs, paths.snapshots);
    let handle: Awaited<ReturnType<FileSystem["open"]>>;
    try {
      handle = await o.fs.open(paths.journal, "wx");
    } catch (error) {
      if (hasErrno(error, "EEXIST")) throw runExistsError(o, paths);
      throw error;
    }
    await handle.sync();
    await handle.close();
    await o.fs.syncDirectory(paths.dir);
    const writer = createJournalWriter({
      fs: o.fs,
      faultPoints: o.faultPoints,
      path: paths.journal,
      runId: o.runId,
      position: { endOffset: 0, lastSeq: 0, lastHash: "", exists: true },
    });
    return makeStore<S>(o, paths, lock, writer);
  } catch (error) {
    throw await releaseAfter(lock, error);
  }
}

/**
 * Opens an existing run for writing: takes the lock (taking over a dead
 * holder's), then recovers: removes stray temp files, drops a torn or
 * corrupt journal tail (truncate + fsync, reporting `droppedBytes`), and
 * picks the newest valid snapshot, setting damaged ones aside.
 *
 * `loaded.snapshot` is the newest valid snapshot and `loaded.records` the
 * valid journal records after it. A snapshot ahead of the journal (only
 * possible if the disk lost synced data) is trusted, and the gap is marked
 * in the journal so it stays valid. Fails with WFM-RUN-NOT-FOUND,
 * WFM-RUN-LOCKED, WFM-STATE-SCHEMA-UNKNOWN, or WFM-STATE-CORRUPT when no
 * valid state is left; on failure the lock is released and nothing is lost.
 */
export async function openRunStore<S = unknown>(options: RunStoreOptions): Promise<OpenedRun<S>> {
  const o = resolveRunStoreOptions(options);
  const paths = runPaths(o.root, o.runId);
  if (!(await runExists(o.fs, paths))) throw runNotFoundError(o.runId, o.root);
  // Tokens must exceed every fence already written, even by a holder whose
  // lock file is gone.
  const before = await readJournal(o.fs, paths.journal);
  const minToken = before.records.reduce((max, record) => Math.max(max, record.fence), 0);
  const lock = await acquireRunLock({ ...o, dir: paths.dir, minToken });
  let writer: JournalWriter | undefined;
  try {
    // Everything below changes files: only while the lock is still ours.
    await lock.assertHeld();
    const tempFilesRemoved = [
      ...(await removeStrayTempFiles(o.fs, paths.dir)),
      ...(await removeStrayTempFiles(o.fs, paths.snapshots)),
    ];
    const scan = await rescanIfChanged(o.fs, paths.journal, before);
    const snapshots = await loadNewestSnapshot<S>({
      fs: o.fs,
      dir: paths.snapshots,
      runId: o.runId,
      setAside: true,
    });
    const plan = planLoad(o.runId, paths, scan, snapshots);
    let journalTailSavedAs: string | undefined;
    if (scan.break) {
      await lock.assertHeld();
      if (!scan.break.torn) {
        journalTailSavedAs = await freeCorruptPath(
          o.fs,
          `${paths.journal}.tail-${scan.validBytes}`,
        );
        await writeFileAtomic({
          fs: o.fs,
          random: o.random,
          path: journalTailSavedAs,
          data: scan.bytes.subarray(scan.validBytes),
        });
      }
      await truncateJournal(o.fs, paths.journal, scan.validBytes);
    }
    await ensureDirectory(o.fs, paths.snapshots);
    const last = scan.records.at(-1);
    writer = createJournalWriter({
      fs: o.fs,
      faultPoints: o.faultPoints,
      path: paths.journal,
      runId: o.runId,
      position: {
        endOffset: scan.validBytes,
        lastSeq: last?.seq ?? 0,
        lastHash: last?.sha256 ?? "",
        exists: scan.exists,
      },
    });
    if (plan.rebase) {
      await lock.assertHeld();
      await writer.append({
        at: isoTime(o.clock),
        fence: lock.token,
        type: JOURNAL_REBASED,
        data: plan.rebase,
        seq: plan.rebase.snapshotSeq,
      });
    }
    const droppedBytes = scan.totalBytes - scan.validBytes;
    const recovery: RecoveryReport = {
      droppedBytes,
      snapshotsRejected: snapshots.rejected.map((rejection) => rejection.path),
      tempFilesRemoved,
      repaired:
        droppedBytes > 0 ||
        snapshots.rejected.length > 0 ||
        tempFilesRemoved.length > 0 ||
        lock.takeover !== undefined ||
        plan.rebase !== undefined,
      ...(lock.takeover === undefined ? {} : { lockTakeover: lock.takeover }),
      ...(snapshots.rejected.length === 0 ? {} : { snapshotRejections: snapshots.rejected }),
      ...(scan.break === undefined ? {} : { journalBreak: scan.break.reason }),
      ...(journalTailSavedAs === undefined ? {} : { journalTailSavedAs }),
      ...(plan.rebase === undefined ? {} : { journalRebased: plan.rebase }),
    };
    return {
      store: makeStore<S>(o, paths, lock, writer),
      loaded: { snapshot: plan.snapshot, records: plan.records, recovery },
    };
  } catch (error) {
    let failure = error;
    if (writer) {
      try {
        await writer.close();
      } catch (closeError) {
        failure = withCleanupError(failure, closeError, "closing the journal");
      }
    }
    throw await releaseAfter(lock, failure);
  }
}

/**
 * Loads a run read-only, without the lock and without repairing anything
 * (for `status`): the same snapshot and records `openRunStore` would give,
 * with the report describing what was skipped rather than repaired.
 */
export async function readRun<S = unknown>(options: ReadRunOptions): Promise<ReadRunResult<S>> {
  const { fs, root, runId } = resolveReadRunOptions(options);
  const paths = runPaths(root, runId);
  if (!(await runExists(fs, paths))) throw runNotFoundError(runId, root);
  const scan = await readJournal(fs, paths.journal);
  const snapshots = await loadNewestSnapshot<S>({
    fs,
    dir: paths.snapshots,
    runId,
    setAside: false,
  });
  const plan = planLoad(runId, paths, scan, snapshots);
  const droppedBytes = scan.totalBytes - scan.validBytes;
  return {
    snapshot: plan.snapshot,
    records: plan.records,
    recovery: {
      droppedBytes,
      snapshotsRejected: snapshots.rejected.map((rejection) => rejection.path),
      tempFilesRemoved: [],
      repaired: false,
      ...(snapshots.rejected.length === 0 ? {} : { snapshotRejections: snapshots.rejected }),
      ...(scan.break === undefined ? {} : { journalBreak: scan.break.reason }),
      ...(plan.rebase === undefined ? {} : { journalRebased: plan.rebase }),
    },
    lock: await readRunLock(fs, paths.dir),
    strayTempFiles: [
      ...(await findStrayTempFiles(fs, paths.dir)),
      ...(await findStrayTempFiles(fs, paths.snapshots)),
    ],
  };
}

/** The ids of the runs under `root`, sorted. */
export async function listRuns(options: { fs: FileSystem; root: string }): Promise<string[]> {
  const { fs, root } = resolveListRunsOptions(options);
  const dir = runPaths(root, "x").runs;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if (hasErrno(error, "ENOENT")) return [];
    throw error;
  }
  const runs: string[] = [];
  for (const name of names.sort()) {
    if (isValidRunId(name) && (await runExists(fs, runPaths(root, name)))) runs.push(name);
  }
  return runs;
}

/**
 * The journal as it is now that the lock is held. Validating costs far more
 * than reading, so the scan made before the lock is reused when the bytes
 * did not change meanwhile.
 */
async function rescanIfChanged(
  fs: FileSystem,
  path: string,
  before: Awaited<ReturnType<typeof readJournal>>,
): Promise<Awaited<ReturnType<typeof readJournal>>> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if (hasErrno(error, "ENOENT") && !before.exists) return before;
    if (!hasErrno(error, "ENOENT")) throw error;
    return readJournal(fs, path);
  }
  if (before.exists && sameBytes(bytes, before.bytes)) {
    return before;
  }
  return { ...scanJournal(bytes), exists: true, bytes };
}

/** A run exists once it has a journal or any snapshot file (even a damaged one). */
async function runExists(fs: FileSystem, paths: RunPaths): Promise<boolean> {
  try {
    await fs.stat(paths.journal);
    return true;
  } catch (error) {
    if (!hasErrno(error, "ENOENT") && !hasErrno(error, "ENOTDIR")) throw error;
  }
  let names: string[];
  try {
    names = await fs.readdir(paths.snapshots);
  } catch (error) {
    if (hasErrno(error, "ENOENT") || hasErrno(error, "ENOTDIR")) return false;
    throw error;
  }
  return names.some((name) => name.startsWith("snapshot-"));
}

interface LoadPlan<S> {
  snapshot: { seq: number; state: S } | undefined;
  records: JournalRecord[];
  rebase: { afterSeq: number; snapshotSeq: number } | undefined;
}

/** Decides what state is valid, or throws WFM-STATE-CORRUPT before anything is changed. */
function planLoad<S>(
  runId: string,
  paths: RunPaths,
  scan: JournalScan & { exists: boolean; bytes: Uint8Array },
  snapshots: SnapshotLoad<S>,
): LoadPlan<S> {
  const corrupt = (detail: string) =>
    wfmError("WFM-STATE-CORRUPT", {
      message: `The state of run ${runId} is damaged beyond automatic recovery: ${detail}.`,
      context: { runId, path: paths.dir, detail },
    });
  const lastSeq = scan.records.at(-1)?.seq ?? 0;
  const found = snapshots.snapshot;
  if (found === undefined) {
    if (
      scan.records.length === 0 &&
      scan.break !== undefined &&
      !scan.break.torn &&
      holdsJsonLine(scan.bytes)
    ) {
      throw corrupt(
        `the journal is invalid from its first line (${scan.break.reason}) and no snapshot is valid`,
      );
    }
    if (!scan.exists) {
      throw corrupt(
        `the journal is missing and none of its ${snapshots.rejected.length} snapshots is valid`,
      );
    }
  }
  const records = scan.records.filter((record) => record.seq > (found?.seq ?? 0));
  const gap = records.find((record) => record.type === JOURNAL_REBASED);
  if (gap !== undefined) {
    const data = gap.data as { afterSeq: number };
    throw corrupt(
      `journal records ${data.afterSeq + 1} to ${gap.seq} exist only in snapshot ${gap.seq}, which is missing or damaged`,
    );
  }
  return {
    snapshot: found === undefined ? undefined : { seq: found.seq, state: found.state },
    records,
    rebase:
      found !== undefined && found.seq > lastSeq
        ? { afterSeq: lastSeq, snapshotSeq: found.seq }
        : undefined,
  };
}

/**
 * Whether any complete line parses as JSON. A journal invalid from its first
 * line that holds none is a first append a crash tore into garbage (found by
 * chaos's crash-state enumeration): nothing in it was acknowledged, so it is
 * dropped (and saved aside) like any torn tail, not refused as damage.
 */
function holdsJsonLine(bytes: Uint8Array): boolean {
  for (let start = 0, end = bytes.indexOf(0x0a); end !== -1; end = bytes.indexOf(0x0a, start)) {
    if (parsesAsJson(bytes.subarray(start, end))) return true;
    start = end + 1;
  }
  return false;
}

/** Not UTF-8 or not JSON (false) is what a torn write leaves. */
function parsesAsJson(line: Uint8Array): boolean {
  try {
    JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(line));
    return true;
  } catch {
    return false;
  }
}

function makeStore<S>(
  o: ResolvedRunStoreOptions,
  paths: RunPaths,
  lock: RunLock,
  writer: JournalWriter,
): RunStore<S> {
  const queue = createSerialQueue();
  let closed = false;
  const assertOpen = (what: string) => {
    if (closed) {
      throw new TypeError(
        `Run store ${o.runId} is closed, so ${what} is not possible; open it again with openRunStore.`,
      );
    }
  };
  return {
    runId: o.runId,
    dir: paths.dir,
    fence: lock.token,
    async append<T>(type: string, data: T, options?: AppendOptions): Promise<JournalRecord<T>> {
      if (typeof type !== "string" || type.length === 0) {
        throw new TypeError(`append: type must be a non-empty string, got ${JSON.stringify(type)}`);
      }
      if (type.startsWith(RESERVED_TYPE_PREFIX)) {
        throw new TypeError(
          `append: record types starting with "${RESERVED_TYPE_PREFIX}" belong to the store`,
        );
      }
      return queue(async () => {
        assertOpen("append");
        await lock.assertHeld();
        return writer.append<T>({
          at: isoTime(o.clock),
          fence: lock.token,
          type,
          data,
          ...(options?.durable === false ? { durable: false } : {}),
        });
      });
    },
    snapshot(state: S): Promise<void> {
      return queue(async () => {
        assertOpen("snapshot");
        await lock.assertHeld();
        // A snapshot must never be ahead of the durable journal.
        await writer.flush();
        await writeSnapshot({
          fs: o.fs,
          random: o.random,
          faultPoints: o.faultPoints,
          dir: paths.snapshots,
          runId: o.runId,
          seq: writer.lastSeq,
          at: isoTime(o.clock),
          state,
        });
        await pruneSnapshots(o.fs, paths.snapshots, o.keepSnapshots);
      });
    },
    async abandon(): Promise<void> {
      // Not through the queue: the crash may have happened inside a queued
      // append, which will never finish.
      closed = true;
      await writer.abandon();
    },
    close(): Promise<void> {
      return queue(async () => {
        if (closed) return;
        closed = true;
        let failure: unknown;
        try {
          await writer.close();
        } catch (error) {
          failure = error;
        }
        if (failure !== undefined) throw await releaseAfter(lock, failure);
        await lock.release();
      });
    },
  };
}

/** Releases the lock after a failure; the failure is what the caller sees. */
async function releaseAfter(lock: RunLock, failure: unknown): Promise<unknown> {
  try {
    await lock.release();
    return failure;
  } catch (cleanupError) {
    return withCleanupError(failure, cleanupError, "releasing the run lock");
  }
}

function runExistsError(o: ResolvedRunStoreOptions, paths: RunPaths) {
  return wfmError("WFM-RUN-EXISTS", {
    message: `Run ${o.runId} already exists at ${paths.dir}.`,
    context: { runId: o.runId, path: paths.dir },
  });
}

function runNotFoundError(runId: string, root: string) {
  return wfmError("WFM-RUN-NOT-FOUND", {
    message: `There is no run ${runId} under ${root}.`,
    context: { runId, path: root },
  });
}
