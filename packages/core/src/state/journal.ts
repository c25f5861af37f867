import { dirname } from "node:path";
import type { FaultPoints } from "../ports/fault-points.js";
import { FaultPoint } from "../ports/fault-points.js";
import type { FileHandle, FileSystem } from "../ports/file-system.js";
import { writeAll } from "../ports/file-system.js";
import { canonicalJson } from "./canonical-json.js";
import { hasErrno } from "./has-errno.js";
import type { JournalRecord } from "./run-store-types.js";
import { sha256Hex } from "./sha256-hex.js";
import { describeZodError, journalRebasedDataSchema, journalRecordSchema } from "./state-schema.js";
import { syncFile } from "./sync-file.js";
import { withCleanupError } from "./with-cleanup-error.js";

/** Record types starting with this belong to the store; `append` refuses them. */
export const RESERVED_TYPE_PREFIX = "store.";
/** See `journalRebasedDataSchema`. */
export const JOURNAL_REBASED = "store.journal-rebased";

/** The first line that failed validation. It and everything after it are not trusted. */
export interface JournalBreak {
  /** 1-based line number. */
  line: number;
  /** Byte offset where that line starts (equals `validBytes`). */
  offset: number;
  reason: string;
  /**
   * True when the invalid part is a single unterminated last line: a write
   * cut short by a crash, the expected shape of an unacknowledged append.
   * False for a complete line that fails validation: damage.
   */
  torn: boolean;
}

export interface JournalScan {
  /** Every record before the first invalid line, in order. */
  records: JournalRecord[];
  /** Bytes of the valid prefix: where a repair truncates to. */
  validBytes: number;
  totalBytes: number;
  break: JournalBreak | undefined;
}

const NEWLINE = 0x0a;
const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * Validates a journal: every line must parse, match the schema, hash to its
 * `sha256`, chain to the previous record through `prevHash`, and continue
 * the seq with no gap. The first line that does not is the break; nothing
 * after a break is accepted, even if it looks valid.
 */
export function scanJournal(bytes: Uint8Array): JournalScan {
  const records: JournalRecord[] = [];
  let offset = 0;
  let line = 0;
  let previous: JournalRecord | undefined;
  const stop = (reason: string, torn: boolean): JournalScan => ({
    records,
    validBytes: offset,
    totalBytes: bytes.length,
    break: { line, offset, reason: `line ${line}: ${reason}`, torn },
  });
  while (offset < bytes.length) {
    line++;
    const end = bytes.indexOf(NEWLINE, offset);
    if (end === -1) return stop("unterminated (a write cut short)", true);
    const checked = checkLine(bytes.subarray(offset, end), previous);
    if (typeof checked === "string") return stop(checked, false);
    records.push(checked);
    previous = checked;
    offset = end + 1;
  }
  return { records, validBytes: offset, totalBytes: bytes.length, break: undefined };
}

/** Reads and scans a journal; a missing file is an empty journal. */
export async function readJournal(
  fs: FileSystem,
  path: string,
): Promise<JournalScan & { exists: boolean; bytes: Uint8Array }> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if (!hasErrno(error, "ENOENT")) throw error;
    const empty = new Uint8Array();
    return { ...scanJournal(empty), exists: false, bytes: empty };
  }
  return { ...scanJournal(bytes), exists: true, bytes };
}

/** Drops everything after `validBytes` and makes that durable. */
export async function truncateJournal(
  fs: FileSystem,
  path: string,
  validBytes: number,
): Promise<void> {
  await fs.truncate(path, validBytes);
  await syncFile(fs, path);
}

/** The sha256 a record must carry: over the canonical JSON of every other field. */
export function recordHash(record: Omit<JournalRecord, "sha256">): string {
  const { seq, at, fence, type, data, prevHash } = record;
  return sha256Hex(canonicalJson({ seq, at, fence, type, data, prevHash }));
}

function checkLine(bytes: Uint8Array, previous: JournalRecord | undefined): JournalRecord | string {
  if (bytes.length === 0) return "empty line";
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return "not valid UTF-8";
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  const schema = journalRecordSchema.safeParse(parsed);
  if (!schema.success) return `not a journal record (${describeZodError(schema.error)})`;
  const record = schema.data as JournalRecord;
  let actual: string;
  try {
    actual = recordHash(record);
  } catch (error) {
    return `data cannot be hashed (${(error as Error).message})`;
  }
  if (actual !== record.sha256) {
    return `sha256 mismatch (stored ${short(record.sha256)}…, computed ${short(actual)}…)`;
  }
  const expectedPrev = previous?.sha256 ?? "";
  if (record.prevHash !== expectedPrev) {
    return `prevHash ${short(record.prevHash)}… does not chain to the previous record (${short(expectedPrev)}…)`;
  }
  return checkSeq(record, previous?.seq ?? 0) ?? record;
}

function checkSeq(record: JournalRecord, previousSeq: number): string | undefined {
  if (record.type !== JOURNAL_REBASED) {
    return record.seq === previousSeq + 1
      ? undefined
      : `seq ${record.seq} does not follow seq ${previousSeq}`;
  }
  const data = journalRebasedDataSchema.safeParse(record.data);
  if (!data.success) return `bad rebase record (${describeZodError(data.error)})`;
  const ok =
    record.seq > previousSeq &&
    data.data.afterSeq === previousSeq &&
    data.data.snapshotSeq === record.seq;
  return ok ? undefined : `rebase record seq ${record.seq} does not follow seq ${previousSeq}`;
}

function short(hash: string): string {
  return hash === "" ? '""' : hash.slice(0, 12);
}

/** Where a writer continues from: the end of the valid (repaired) journal. */
export interface JournalPosition {
  /** Byte length of the journal file. */
  endOffset: number;
  lastSeq: number;
  /** sha256 of the last record, "" if none. */
  lastHash: string;
  /** Whether the file exists and its directory entry is durable. */
  exists: boolean;
}

export interface JournalAppend {
  at: string;
  fence: number;
  type: string;
  data: unknown;
  /** Only for the store's rebase record; otherwise the next seq. */
  seq?: number;
  /**
   * Default true: fsync before resolving (acknowledged). False: write the
   * line and resolve; it becomes durable with the next durable append,
   * `flush` or `close`, and a crash before then may lose it (and only it and
   * later deferred records — never an earlier acknowledged one).
   */
  durable?: boolean;
}

export interface JournalWriter {
  readonly lastSeq: number;
  readonly endOffset: number;
  /**
   * Writes one whole line and fsyncs it; resolves only then (acknowledged).
   * On any failure the file is truncated back to the last acknowledged
   * record before the error is rethrown, so a failed append leaves no trace
   * and the next append cannot land after a torn line. If that repair fails
   * too, the next append retries it first.
   */
  append<T>(input: JournalAppend): Promise<JournalRecord<T>>;
  /** Makes every deferred record durable (one fsync); nothing to do without any. */
  flush(): Promise<void>;
  /** Flushes, then closes the file. */
  close(): Promise<void>;
  /** Closes the file as a dying process would: deferred records may be lost. */
  abandon(): Promise<void>;
}

export interface JournalWriterOptions {
  fs: FileSystem;
  faultPoints: FaultPoints;
  path: string;
  runId: string;
  position: JournalPosition;
}

/**
 * Appends through one handle opened with "a" and kept open for the store's
 * life: one write and one fsync per acknowledged record, instead of an
 * open/close pair as well. O_APPEND puts every write at the current end.
 * Callers serialise appends (the store's queue).
 */
export function createJournalWriter(options: JournalWriterOptions): JournalWriter {
  const { fs, faultPoints, path, runId } = options;
  let { endOffset, lastSeq, lastHash, exists } = options.position;
  // The acknowledged (fsync'd) end; beyond it only deferred records.
  let synced = { endOffset, lastSeq, lastHash };
  let handle: FileHandle | undefined;
  let dirty = false;

  const repair = async () => {
    // Deferred records whose fsync failed are not known to be on disk:
    // they go too, back to the last acknowledged record.
    ({ endOffset, lastSeq, lastHash } = synced);
    try {
      await truncateJournal(fs, path, endOffset);
    } catch (error) {
      if (!(hasErrno(error, "ENOENT") && endOffset === 0)) throw error;
    }
    dirty = false;
  };

  const recover = async (original: unknown): Promise<unknown> => {
    const open = handle;
    handle = undefined;
    try {
      // After a failed write or fsync the handle's state is suspect
      // (fsync errors are reported once): start the next append afresh.
      if (open) await open.close();
      await repair();
      return original;
    } catch (cleanupError) {
      return withCleanupError(
        original,
        cleanupError,
        "truncating the journal back to its last acknowledged record",
      );
    }
  };

  // Runs file I/O whose fault points may kill the process. A fault point
  // that throws is the process dying there: the kernel closes its files and
  // nothing is repaired; recovery at the next open deals with whatever
  // reached the disk. Any other failure truncates back to the last
  // acknowledged record.
  const withRecovery = async (
    io: (point: (name: FaultPoint) => Promise<void>) => Promise<void>,
  ) => {
    let crashed = false;
    const point = async (name: FaultPoint) => {
      try {
        await faultPoints.hit(name, { runId });
      } catch (crash) {
        crashed = true;
        const open = handle;
        handle = undefined;
        if (open) await open.close();
        throw crash;
      }
    };
    try {
      await io(point);
    } catch (error) {
      if (crashed) throw error;
      throw await recover(error);
    }
  };

  return {
    get lastSeq() {
      return lastSeq;
    },
    get endOffset() {
      return endOffset;
    },
    async append<T>(input: JournalAppend): Promise<JournalRecord<T>> {
      if (dirty) await repair();
      const seq = input.seq ?? lastSeq + 1;
      // Canonicalise first: data JSON cannot hold is a bug (TypeError),
      // refused before the file is touched.
      const dataText = canonicalJson(input.data);
      const data = JSON.parse(dataText) as T;
      const unsigned = { seq, at: input.at, fence: input.fence, type: input.type, data };
      const sha256 = recordHash({ ...unsigned, prevHash: lastHash });
      const line =
        `{"seq":${seq},"at":${JSON.stringify(input.at)},"fence":${input.fence},` +
        `"type":${JSON.stringify(input.type)},"data":${dataText},` +
        `"prevHash":"${lastHash}","sha256":"${sha256}"}\n`;
      const bytes = encoder.encode(line);
      const record: JournalRecord<T> = { ...unsigned, prevHash: lastHash, sha256 };
      dirty = true;
      const durable = input.durable !== false;
      await withRecovery(async (point) => {
        handle ??= await fs.open(path, "a");
        await writeAll(handle, bytes);
        await point(FaultPoint.JournalWritten);
        if (durable) await syncHandle(handle, point);
      });
      dirty = false;
      endOffset += bytes.length;
      lastSeq = seq;
      lastHash = sha256;
      if (durable) synced = { endOffset, lastSeq, lastHash };
      return record;
    },
    async flush() {
      const open = handle;
      if (synced.endOffset === endOffset || open === undefined) return;
      await withRecovery((point) => syncHandle(open, point));
      synced = { endOffset, lastSeq, lastHash };
    },
    async close() {
      await this.flush();
      await this.abandon();
    },
    async abandon() {
      const open = handle;
      handle = undefined;
      if (open) await open.close();
    },
  };

  // fsync, and the directory once for a new file (its entry is only durable then).
  async function syncHandle(open: FileHandle, point: (name: FaultPoint) => Promise<void>) {
    await open.sync();
    if (!exists) {
      await fs.syncDirectory(dirname(path));
      exists = true;
    }
    await point(FaultPoint.JournalSynced);
  }
}
