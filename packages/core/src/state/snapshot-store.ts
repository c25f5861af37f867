import { join } from "node:path";
import { wfmError } from "../errors/catalogue.js";
import type { FaultPoints } from "../ports/fault-points.js";
import { FaultPoint } from "../ports/fault-points.js";
import type { FileSystem } from "../ports/file-system.js";
import type { Random } from "../ports/random.js";
import { writeFileAtomic } from "./atomic-write.js";
import { canonicalJson } from "./canonical-json.js";
import { hasErrno } from "./has-errno.js";
import { sha256Hex } from "./sha256-hex.js";
import {
  describeZodError,
  SNAPSHOT_SCHEMA_VERSION,
  type SnapshotFile,
  snapshotEnvelopeSchema,
  snapshotFileSchema,
} from "./state-schema.js";
import { TEMP_PREFIX } from "./temp-file-name.js";

const SNAPSHOT_NAME = /^snapshot-(\d{12,})\.json$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** `snapshot-000000000042.json`: zero-padded so names sort like seqs. */
export function snapshotFileName(seq: number): string {
  return `snapshot-${String(seq).padStart(12, "0")}.json`;
}

/** The seq a snapshot file name stands for, or undefined for any other file. */
export function snapshotSeqOf(name: string): number | undefined {
  const match = SNAPSHOT_NAME.exec(name);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export interface SnapshotEntry {
  name: string;
  path: string;
  seq: number;
}

/** Snapshot files in `dir`, newest (highest seq) first. A missing directory has none. */
export async function listSnapshots(fs: FileSystem, dir: string): Promise<SnapshotEntry[]> {
  const entries: SnapshotEntry[] = [];
  for (const name of await readdirOrEmpty(fs, dir)) {
    const seq = snapshotSeqOf(name);
    if (seq !== undefined) entries.push({ name, path: join(dir, name), seq });
  }
  return entries.sort((a, b) => b.seq - a.seq);
}

export interface WriteSnapshotOptions {
  fs: FileSystem;
  random: Random;
  faultPoints: FaultPoints;
  /** The run's `snapshots/` directory. */
  dir: string;
  runId: string;
  /** The last journal seq the state includes. */
  seq: number;
  /** ISO-8601 UTC. */
  at: string;
  state: unknown;
}

/**
 * Writes `snapshot-<seq>.json` atomically (see `writeFileAtomic`), hitting
 * the snapshot fault points between the steps. Returns the file's path.
 */
export async function writeSnapshot(options: WriteSnapshotOptions): Promise<string> {
  const { fs, random, faultPoints, dir, runId, seq, at } = options;
  // Canonicalise first: state JSON cannot hold is a bug, refused before any I/O.
  const state = JSON.parse(canonicalJson(options.state)) as unknown;
  const fields = { schemaVersion: SNAPSHOT_SCHEMA_VERSION, runId, seq, at, state };
  const file: SnapshotFile = { ...fields, sha256: sha256Hex(canonicalJson(fields)) };
  const path = join(dir, snapshotFileName(seq));
  const context = { runId };
  await writeFileAtomic({
    fs,
    random,
    path,
    data: encoder.encode(`${JSON.stringify(file, null, 2)}\n`),
    hooks: {
      tempSynced: () => faultPoints.hit(FaultPoint.SnapshotTempSynced, context),
      renamed: () => faultPoints.hit(FaultPoint.SnapshotRenamed, context),
      directorySynced: () => faultPoints.hit(FaultPoint.SnapshotDirectorySynced, context),
    },
  });
  return path;
}

export type SnapshotVerdict = { ok: true; snapshot: SnapshotFile } | { ok: false; reason: string };

/**
 * Checks one snapshot file's bytes. Damage (not UTF-8, not JSON, wrong
 * shape, hash mismatch, wrong run or seq) is a verdict; a snapshot whose
 * hash verifies but whose `schemaVersion` this code does not know was
 * written by another version and throws WFM-STATE-SCHEMA-UNKNOWN, because
 * setting it aside could lose that version's newer state.
 */
export function verifySnapshot(
  bytes: Uint8Array,
  expected: { runId: string; seq: number; path: string },
): SnapshotVerdict {
  if (bytes.length === 0) return { ok: false, reason: "the file is empty" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  const envelope = snapshotEnvelopeSchema.safeParse(parsed);
  if (!envelope.success) {
    return { ok: false, reason: `not a snapshot (${describeZodError(envelope.error)})` };
  }
  const { sha256, ...rest } = envelope.data;
  let actual: string;
  try {
    actual = sha256Hex(canonicalJson(rest));
  } catch (error) {
    return { ok: false, reason: `cannot be hashed (${(error as Error).message})` };
  }
  if (actual !== sha256) {
    return {
      ok: false,
      reason: `sha256 mismatch (stored ${sha256.slice(0, 12)}…, computed ${actual.slice(0, 12)}…)`,
    };
  }
  if (envelope.data.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) {
    throw wfmError("WFM-STATE-SCHEMA-UNKNOWN", {
      message: `Snapshot ${expected.path} has schemaVersion ${envelope.data.schemaVersion}; this version reads only ${SNAPSHOT_SCHEMA_VERSION}.`,
      context: {
        runId: expected.runId,
        path: expected.path,
        detail: String(envelope.data.schemaVersion),
      },
    });
  }
  const file = snapshotFileSchema.safeParse(parsed);
  if (!file.success) {
    return { ok: false, reason: `not a snapshot (${describeZodError(file.error)})` };
  }
  if (file.data.runId !== expected.runId) {
    return { ok: false, reason: `belongs to run ${JSON.stringify(file.data.runId)}` };
  }
  if (file.data.seq !== expected.seq) {
    return { ok: false, reason: `holds seq ${file.data.seq} but is named for seq ${expected.seq}` };
  }
  return { ok: true, snapshot: file.data };
}

export interface SnapshotRejection {
  path: string;
  reason: string;
  /** Where it was set aside; undefined when loading read-only. */
  movedTo: string | undefined;
}

export interface SnapshotLoad<S> {
  snapshot: { seq: number; state: S; path: string } | undefined;
  rejected: SnapshotRejection[];
}

export interface LoadSnapshotOptions {
  fs: FileSystem;
  dir: string;
  runId: string;
  /** Rename each damaged snapshot to `*.corrupt` (needs the run lock); false = read-only. */
  setAside: boolean;
}

/**
 * The newest snapshot that verifies, trying newest first. Damaged ones are
 * reported and (unless read-only) set aside as `*.corrupt`, never deleted.
 */
export async function loadNewestSnapshot<S>(
  options: LoadSnapshotOptions,
): Promise<SnapshotLoad<S>> {
  const { fs, dir, runId, setAside } = options;
  const rejected: SnapshotRejection[] = [];
  for (const entry of await listSnapshots(fs, dir)) {
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(entry.path);
    } catch (error) {
      // Pruned since it was listed (the resource guard may prune): not damage.
      if (hasErrno(error, "ENOENT")) continue;
      throw error;
    }
    const verdict = verifySnapshot(bytes, { runId, seq: entry.seq, path: entry.path });
    if (verdict.ok) {
      return {
        snapshot: {
          seq: verdict.snapshot.seq,
          state: verdict.snapshot.state as S,
          path: entry.path,
        },
        rejected,
      };
    }
    const movedTo = setAside ? await setAsideFile(fs, entry.path) : undefined;
    rejected.push({ path: entry.path, reason: verdict.reason, movedTo });
  }
  return { snapshot: undefined, rejected };
}

/**
 * Renames a damaged file to `<name>.corrupt` (or `<name>.<n>.corrupt` if
 * that is taken), keeping it for diagnosis. The directory is not fsynced:
 * if a crash undoes the rename, the next recovery rejects the file again.
 */
export async function setAsideFile(fs: FileSystem, path: string): Promise<string> {
  const target = await freeCorruptPath(fs, path);
  await fs.rename(path, target);
  return target;
}

/** The first of `<base>.corrupt`, `<base>.1.corrupt`, … that does not exist yet. */
export async function freeCorruptPath(fs: FileSystem, base: string): Promise<string> {
  for (let n = 0; ; n++) {
    const target = n === 0 ? `${base}.corrupt` : `${base}.${n}.corrupt`;
    if (!(await exists(fs, target))) return target;
  }
}

/**
 * Deletes all but the newest `keep` snapshots of a run (`dir` is its
 * `snapshots/` directory, `runPaths(root, runId).snapshots`). Returns the
 * removed paths. The store calls it after each snapshot; the resource guard
 * may call it with a smaller `keep` when disk space is low. Files set aside
 * as `*.corrupt` are kept for diagnosis.
 */
export async function pruneSnapshots(fs: FileSystem, dir: string, keep: number): Promise<string[]> {
  return (await prune(fs, dir, keep, "pruneSnapshots")).map((removed) => removed.path);
}

/**
 * `pruneSnapshots` shaped for the resource guard's `pruneSnapshots` option:
 * given a run directory, keeps the newest `keep` snapshots and resolves
 * with the bytes freed.
 */
export function snapshotPruner(fs: FileSystem, keep: number): (runDir: string) => Promise<number> {
  if (!Number.isInteger(keep) || keep < 1) {
    throw new TypeError(`snapshotPruner: keep must be an integer >= 1, got ${keep}`);
  }
  return async (runDir) => {
    const removed = await prune(fs, join(runDir, "snapshots"), keep, "snapshotPruner");
    return removed.reduce((sum, entry) => sum + entry.bytes, 0);
  };
}

async function prune(
  fs: FileSystem,
  dir: string,
  keep: number,
  caller: string,
): Promise<Array<{ path: string; bytes: number }>> {
  if (!Number.isInteger(keep) || keep < 1) {
    throw new TypeError(`${caller}: keep must be an integer >= 1, got ${keep}`);
  }
  const removed: Array<{ path: string; bytes: number }> = [];
  for (const entry of (await listSnapshots(fs, dir)).slice(keep)) {
    try {
      const { size } = await fs.stat(entry.path);
      await fs.unlink(entry.path);
      removed.push({ path: entry.path, bytes: size });
    } catch (error) {
      // Pruned meanwhile by someone else: already gone, nothing freed here.
      if (!hasErrno(error, "ENOENT")) throw error;
    }
  }
  return removed;
}

/**
 * Removes temp files (`.tmp-*`) a crash left in `dir`. Only safe while
 * holding the run lock: otherwise they may be a live writer's.
 */
export async function removeStrayTempFiles(fs: FileSystem, dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdirOrEmpty(fs, dir)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const path = join(dir, name);
    try {
      await fs.unlink(path);
      removed.push(path);
    } catch (error) {
      if (!hasErrno(error, "ENOENT")) throw error;
    }
  }
  return removed.sort();
}

/** Stray temp files in `dir`, without removing them (read-only status). */
export async function findStrayTempFiles(fs: FileSystem, dir: string): Promise<string[]> {
  return (await readdirOrEmpty(fs, dir))
    .filter((name) => name.startsWith(TEMP_PREFIX))
    .map((name) => join(dir, name))
    .sort();
}

async function readdirOrEmpty(fs: FileSystem, dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if (hasErrno(error, "ENOENT")) return [];
    throw error;
  }
}

async function exists(fs: FileSystem, path: string): Promise<boolean> {
  try {
    await fs.stat(path);
    return true;
  } catch (error) {
    if (hasErrno(error, "ENOENT")) return false;
    throw error;
  }
}
