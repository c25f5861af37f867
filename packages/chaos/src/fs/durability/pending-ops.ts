import { isDataOp, isDirectoryOp, type TraceOp } from "../trace/trace-op.js";

/** What a crash after the first `crashPoint` ops may still lose. */
export interface PendingOps {
  readonly crashPoint: number;
  /** Per op of the prefix: made durable by a later sync within the prefix. */
  readonly durable: readonly boolean[];
  /** Per file inode: the trace indexes of its writes and truncates no fsync has covered, in order. */
  readonly data: ReadonlyMap<number, readonly number[]>;
  /** Trace indexes of the creates, renames, unlinks, mkdirs and rmdirs no directory fsync has covered. */
  readonly directory: readonly number[];
  /** The prefix's last op when it is a write: the write the crash may have torn. */
  readonly inFlightWrite: number | undefined;
}

/**
 * The durability rules (POSIX, strictly): a write or truncate is durable
 * once its file is fsynced; a create, mkdir, unlink or rmdir once its
 * parent directory is fsynced; a rename once both its source and its target
 * directory are (one fsync when they are the same). Nothing else is: not a
 * new file's entry after fsyncing the file, not data after fsyncing its
 * directory.
 */
export function pendingOps(ops: readonly TraceOp[], crashPoint: number): PendingOps {
  if (!Number.isInteger(crashPoint) || crashPoint < 0 || crashPoint > ops.length) {
    throw new RangeError(
      `crashPoint must be an integer from 0 to ${ops.length} (the trace length), got ${crashPoint}`,
    );
  }
  const durable = new Array<boolean>(crashPoint).fill(true);
  const syncedFiles = new Set<number>();
  const syncedDirs = new Set<number>();
  // Backwards, so the sets hold exactly the syncs that come after op i.
  for (let i = crashPoint - 1; i >= 0; i--) {
    const op = ops[i] as TraceOp;
    if (op.kind === "fsync") syncedFiles.add(op.ino);
    else if (op.kind === "fsyncdir") syncedDirs.add(op.ino);
    else if (isDataOp(op)) durable[i] = syncedFiles.has(op.ino);
    else if (op.kind === "rename") {
      durable[i] = syncedDirs.has(op.fromParent) && syncedDirs.has(op.toParent);
    } else durable[i] = syncedDirs.has(op.parent);
  }
  const data = new Map<number, number[]>();
  const directory: number[] = [];
  for (let i = 0; i < crashPoint; i++) {
    if (durable[i]) continue;
    const op = ops[i] as TraceOp;
    if (isDataOp(op)) {
      const list = data.get(op.ino) ?? [];
      list.push(i);
      data.set(op.ino, list);
    } else if (isDirectoryOp(op)) directory.push(i);
  }
  const last = crashPoint > 0 ? ops[crashPoint - 1] : undefined;
  return {
    crashPoint,
    durable,
    data,
    directory,
    inFlightWrite: last?.kind === "write" ? crashPoint - 1 : undefined,
  };
}
