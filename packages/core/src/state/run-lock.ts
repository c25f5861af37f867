import { join } from "node:path";
import { wfmError } from "../errors/catalogue.js";
import type { Clock } from "../ports/clock.js";
import { isoTime } from "../ports/clock.js";
import type { FaultPoints } from "../ports/fault-points.js";
import { FaultPoint } from "../ports/fault-points.js";
import type { FileHandle, FileSystem } from "../ports/file-system.js";
import { writeAll } from "../ports/file-system.js";
import type { ProcessSpawner } from "../ports/process-spawner.js";
import type { Random } from "../ports/random.js";
import { writeFileAtomic } from "./atomic-write.js";
import { hasErrno } from "./has-errno.js";
import type { LockTakeover } from "./run-store-types.js";
import { sameBytes } from "./same-bytes.js";
import { describeZodError, type LockFile, lockFileSchema } from "./state-schema.js";
import { randomId } from "./temp-file-name.js";
import { withCleanupError } from "./with-cleanup-error.js";

export const LOCK_FILE = "lock.json";
/**
 * Where `release` moves the lock instead of deleting it, so the next
 * holder still sees the last token and tokens keep increasing even across
 * holders that never wrote a record.
 */
export const RELEASED_LOCK_FILE = "lock.released.json";

/** What `lock.json` holds right now. */
export type LockRead =
  | { state: "absent" }
  | { state: "held"; holder: LockFile; bytes: Uint8Array }
  | { state: "invalid"; reason: string; bytes: Uint8Array };

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Reads and validates a run's `lock.json` (`dir` is the run directory), or `lock.released.json`. */
export async function readRunLock(
  fs: FileSystem,
  dir: string,
  file: typeof LOCK_FILE | typeof RELEASED_LOCK_FILE = LOCK_FILE,
): Promise<LockRead> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(join(dir, file));
  } catch (error) {
    if (hasErrno(error, "ENOENT")) return { state: "absent" };
    throw error;
  }
  if (bytes.length === 0) return { state: "invalid", reason: "the file is empty", bytes };
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    return { state: "invalid", reason: `not JSON (${(error as Error).message})`, bytes };
  }
  const holder = lockFileSchema.safeParse(parsed);
  if (!holder.success) {
    return { state: "invalid", reason: describeZodError(holder.error), bytes };
  }
  return { state: "held", holder: holder.data, bytes };
}

/** "pid 1234 on host, since 2026-01-01T00:00:00.000Z": how errors name a holder. */
export function describeHolder(holder: LockFile): string {
  return `pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}`;
}

export interface RunLock {
  readonly holder: LockFile;
  /** This holder's fencing token. */
  readonly token: number;
  /** Set when the lock was taken from a dead, stale or unreadable holder. */
  readonly takeover: LockTakeover | undefined;
  /**
   * Re-reads `lock.json` and throws WFM-RUN-FENCED unless it is still ours.
   * Called before every write: one small read per append.
   */
  assertHeld(): Promise<void>;
  /**
   * Removes `lock.json` only if it is still ours (moving it to
   * `lock.released.json`, which keeps the token). Returns whether it did.
   */
  release(): Promise<boolean>;
}

export interface AcquireRunLockOptions {
  fs: FileSystem;
  clock: Clock;
  random: Random;
  spawner: ProcessSpawner;
  faultPoints: FaultPoints;
  runId: string;
  /** The run directory. */
  dir: string;
  hostname: string;
  /** A lock from another host older than this is taken over (no liveness check crosses hosts). */
  staleLockMs: number;
  /** How long an unreadable lock must stay unchanged before it counts as abandoned. */
  tornLockGraceMs: number;
  /**
   * The highest fencing token already used in the run (the journal's
   * highest `fence`); the last released lock's token is added to this.
   */
  minToken: number;
}

const MAX_ATTEMPTS = 5;

/**
 * Takes the run lock. `lock.json` is created exclusively ("wx"), fsynced,
 * its directory fsynced, then read back. A live holder (same host and its
 * pid alive) → WFM-RUN-LOCKED naming it. A dead holder, another host's lock
 * older than `staleLockMs`, or a lock file that stays unreadable (its
 * creator died between create and write) → taken over by atomically
 * replacing the file (temp + rename + directory fsync), so a crash mid-way
 * leaves the old lock or the new one, never none and never a torn one.
 *
 * The new fencing token is one more than any token seen (the old lock's,
 * the journal's highest fence) and is durable before this returns. Two
 * processes racing to take over the same dead lock can both believe they
 * won for a moment; the loser's first `assertHeld` (before any write)
 * refuses, because it compares the whole holder (pid, host, start, token,
 * random owner id), not only the token.
 */
export async function acquireRunLock(given: AcquireRunLockOptions): Promise<RunLock> {
  const released = await readRunLock(given.fs, given.dir, RELEASED_LOCK_FILE);
  const options =
    released.state === "held"
      ? { ...given, minToken: Math.max(given.minToken, released.holder.token) }
      : given;
  const { clock, runId } = options;
  let lastSeen: LockRead = { state: "absent" };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await readRunLock(options.fs, options.dir);
    lastSeen = current;
    if (current.state === "absent") {
      const created = await createLock(options, options.minToken + 1);
      if (created) return finish(options, created, undefined);
      continue;
    }
    if (current.state === "held") {
      const reason = abandonedBecause(options, current.holder);
      if (reason === undefined) throw lockedError(options, current.holder);
      const token = Math.max(current.holder.token, options.minToken) + 1;
      const holder = await takeOver(options, current.bytes, token);
      if (holder) {
        return finish(options, holder, {
          reason,
          previous: {
            pid: current.holder.pid,
            hostname: current.holder.hostname,
            startedAt: current.holder.startedAt,
            token: current.holder.token,
          },
          token,
          detail: `took over the lock of ${reason === "dead" ? "dead" : "stale"} ${describeHolder(current.holder)} (token ${current.holder.token} → ${token})`,
        });
      }
      continue;
    }
    // Unreadable: either its creator died between "wx" and the write, or
    // it is being written this instant. Only a file that stays the same
    // over the grace period is abandoned.
    await clock.sleep(options.tornLockGraceMs);
    const again = await readRunLock(options.fs, options.dir);
    if (again.state === "invalid" && sameBytes(again.bytes, current.bytes)) {
      const token = options.minToken + 1;
      const holder = await takeOver(options, current.bytes, token);
      if (holder) {
        return finish(options, holder, {
          reason: "unreadable",
          previous: undefined,
          token,
          detail: `took over an unreadable lock file (${current.reason}) unchanged for ${options.tornLockGraceMs} ms (token ${token})`,
        });
      }
    }
  }
  throw wfmError("WFM-RUN-LOCKED", {
    message: `Run ${runId} could not be locked: lock.json kept changing over ${MAX_ATTEMPTS} attempts (last seen: ${lastSeen.state}).`,
    context: { runId, holder: "another process (lock.json kept changing)" },
  });
}

function abandonedBecause(
  options: AcquireRunLockOptions,
  holder: LockFile,
): "dead" | "stale" | undefined {
  if (holder.hostname === options.hostname) {
    return options.spawner.isAlive(holder.pid) ? undefined : "dead";
  }
  const age = options.clock.now() - Date.parse(holder.startedAt);
  return age >= options.staleLockMs ? "stale" : undefined;
}

function lockedError(options: AcquireRunLockOptions, holder: LockFile) {
  const held = describeHolder(holder);
  const otherHost =
    holder.hostname === options.hostname
      ? ""
      : ` It is on another host, so its liveness cannot be checked; it counts as stale after ${new Date(Date.parse(holder.startedAt) + options.staleLockMs).toISOString()}.`;
  return wfmError("WFM-RUN-LOCKED", {
    message: `Run ${options.runId} is locked by ${held} (token ${holder.token}).${otherHost}`,
    context: { runId: options.runId, holder: held },
  });
}

function newHolder(options: AcquireRunLockOptions, token: number): LockFile {
  return {
    pid: options.spawner.pid,
    hostname: options.hostname,
    startedAt: isoTime(options.clock),
    token,
    owner: randomId(options.random),
  };
}

function lockBytes(holder: LockFile): Uint8Array {
  return encoder.encode(`${JSON.stringify(holder)}\n`);
}

/** Exclusive create. Undefined if someone else created it first. */
async function createLock(
  options: AcquireRunLockOptions,
  token: number,
): Promise<LockFile | undefined> {
  const { fs, dir } = options;
  const path = join(dir, LOCK_FILE);
  const holder = newHolder(options, token);
  let handle: FileHandle;
  try {
    handle = await fs.open(path, "wx");
  } catch (error) {
    if (hasErrno(error, "EEXIST")) return undefined;
    throw error;
  }
  try {
    await writeAll(handle, lockBytes(holder));
    await handle.sync();
  } catch (error) {
    // Ours (created exclusively) and unusable: remove it rather than leave
    // an unreadable lock that others must wait out.
    try {
      await handle.close();
      await fs.unlink(path);
    } catch (cleanupError) {
      throw withCleanupError(error, cleanupError, `removing the half-written ${path}`);
    }
    throw error;
  }
  await handle.close();
  await fs.syncDirectory(dir);
  return confirm(options, holder);
}

/** Atomic replace of the abandoned lock. Undefined if it changed meanwhile. */
async function takeOver(
  options: AcquireRunLockOptions,
  judged: Uint8Array,
  token: number,
): Promise<LockFile | undefined> {
  const { fs, random, dir } = options;
  // Narrows (cannot close) the window in which another process replaced
  // the lock after we judged it; fencing covers what is left.
  const now = await readRunLock(fs, dir);
  if (now.state === "absent" || !sameBytes(now.bytes, judged)) return undefined;
  const holder = newHolder(options, token);
  try {
    await writeFileAtomic({ fs, random, path: join(dir, LOCK_FILE), data: lockBytes(holder) });
  } catch (error) {
    // A racing process took the lock first and its start-up recovery removed
    // stray temp files, ours among them: the lock changed meanwhile, look again.
    if (hasErrno(error, "ENOENT")) return undefined;
    throw error;
  }
  return confirm(options, holder);
}

/** Reads the lock back: ours, or WFM-RUN-LOCKED naming whoever replaced it. */
async function confirm(options: AcquireRunLockOptions, holder: LockFile): Promise<LockFile> {
  const now = await readRunLock(options.fs, options.dir);
  if (now.state === "held" && sameHolder(now.holder, holder)) return holder;
  if (now.state === "held") throw lockedError(options, now.holder);
  throw wfmError("WFM-RUN-LOCKED", {
    message: `Run ${options.runId} could not be locked: lock.json changed while it was being taken (now ${now.state}).`,
    context: { runId: options.runId, holder: "another process" },
  });
}

async function finish(
  options: AcquireRunLockOptions,
  holder: LockFile,
  takeover: LockTakeover | undefined,
): Promise<RunLock> {
  const { fs, dir, runId } = options;
  let verified: FileIdentity | undefined;
  const lock: RunLock = {
    holder,
    token: holder.token,
    takeover,
    async assertHeld() {
      // Reading and parsing lock.json before every write costs more than the
      // write; its identity (inode, size, mtime) changes whenever anyone
      // replaces or re-creates it, so an unchanged identity already verified
      // as ours is still ours. Stat first, then read: a change between the
      // two is seen by the read.
      const identity = await lockIdentity(fs, dir);
      if (identity !== undefined && verified !== undefined && sameIdentity(identity, verified)) {
        return;
      }
      const now = await readRunLock(fs, dir);
      if (now.state === "held" && sameHolder(now.holder, holder)) {
        verified = identity;
        return;
      }
      verified = undefined;
      const by =
        now.state === "held"
          ? `${describeHolder(now.holder)} (token ${now.holder.token})`
          : now.state === "absent"
            ? "nobody: lock.json is gone"
            : `nobody: lock.json is unreadable (${now.reason})`;
      throw wfmError("WFM-RUN-FENCED", {
        message: `Run ${runId} is now held by ${by}; this process (token ${holder.token}) must not write, so its write was refused.`,
        context: { runId },
      });
    },
    async release() {
      const now = await readRunLock(fs, dir);
      if (now.state !== "held" || !sameHolder(now.holder, holder)) return false;
      await fs.rename(join(dir, LOCK_FILE), join(dir, RELEASED_LOCK_FILE));
      await fs.syncDirectory(dir);
      return true;
    },
  };
  // A fault point that throws is the process dying with the lock held: the
  // lock stays, and the next process takes it over from the dead holder.
  await options.faultPoints.hit(FaultPoint.LockAcquired, { runId });
  return lock;
}

interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
}

async function lockIdentity(fs: FileSystem, dir: string): Promise<FileIdentity | undefined> {
  try {
    const { ino, size, mtimeMs } = await fs.stat(join(dir, LOCK_FILE));
    return { ino, size, mtimeMs };
  } catch (error) {
    if (hasErrno(error, "ENOENT")) return undefined;
    throw error;
  }
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Every field, not just the token: two holders can share a token (racing
 * takeovers) or an owner id (a replayed seed), never all five.
 */
function sameHolder(a: LockFile, b: LockFile): boolean {
  return (
    a.owner === b.owner &&
    a.token === b.token &&
    a.pid === b.pid &&
    a.hostname === b.hostname &&
    a.startedAt === b.startedAt
  );
}
