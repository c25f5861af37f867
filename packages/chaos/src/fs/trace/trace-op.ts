import type { JsonValue } from "../../journal/json-value.js";
import type { Image } from "../durability/image.js";

/**
 * One state-changing call, as the durability model sees it. Files and
 * directories are named by inode number (`ino`), so a write through a handle
 * still lands on its file after a rename or an unlink, as on a real disk;
 * `path` is the name at the time, for messages only.
 */
export type TraceOp =
  /** A new directory entry for a new directory. */
  | { kind: "mkdir"; parent: number; name: string; ino: number; path: string }
  /** A new directory entry for a new, empty file (open with O_CREAT). */
  | { kind: "create"; parent: number; name: string; ino: number; path: string }
  | { kind: "write"; ino: number; offset: number; data: Uint8Array; path: string }
  /** Also what opening an existing, non-empty file with "w" does (O_TRUNC). */
  | { kind: "truncate"; ino: number; length: number; path: string }
  | {
      kind: "rename";
      fromParent: number;
      fromName: string;
      toParent: number;
      toName: string;
      ino: number;
      path: string;
      to: string;
    }
  | { kind: "unlink"; parent: number; name: string; ino: number; path: string }
  | { kind: "rmdir"; parent: number; name: string; ino: number; path: string }
  /** fsync(2) on a file: its data so far is durable. */
  | { kind: "fsync"; ino: number; path: string }
  /** fsync(2) on a directory: its entry changes so far are durable. */
  | { kind: "fsyncdir"; ino: number; path: string };

export type TraceOpKind = TraceOp["kind"];

/** A point the workload marked between calls: "record 3 acknowledged". */
export interface TraceMark {
  /** How many ops were recorded before the mark. */
  readonly at: number;
  readonly label: string;
  readonly data?: JsonValue;
}

/** What a workload did to a filesystem, from a durable starting image. */
export interface Trace {
  /** The filesystem before the first op, all of it durable. */
  readonly baseline: Image;
  readonly ops: readonly TraceOp[];
  readonly marks: readonly TraceMark[];
}

export function isDataOp(op: TraceOp): op is Extract<TraceOp, { kind: "write" | "truncate" }> {
  return op.kind === "write" || op.kind === "truncate";
}

export function isDirectoryOp(
  op: TraceOp,
): op is Extract<TraceOp, { kind: "mkdir" | "create" | "rename" | "unlink" | "rmdir" }> {
  return (
    op.kind === "mkdir" ||
    op.kind === "create" ||
    op.kind === "rename" ||
    op.kind === "unlink" ||
    op.kind === "rmdir"
  );
}

/** "write /a/f (5 bytes at 0)": for crash-state descriptions. */
export function describeOp(op: TraceOp): string {
  switch (op.kind) {
    case "write":
      return `write ${op.path} (${op.data.length} bytes at ${op.offset})`;
    case "truncate":
      return `truncate ${op.path} to ${op.length}`;
    case "rename":
      return `rename ${op.path} -> ${op.to}`;
    default:
      return `${op.kind} ${op.path}`;
  }
}
