import type { Trace, TraceOp } from "../trace/trace-op.js";
import { applyOp, cloneImage, type Image } from "./image.js";
import { type PendingOps, pendingOps } from "./pending-ops.js";
import { type TornWrite, tornBytes } from "./torn-write.js";

/**
 * One way a crash after the first `crashPoint` ops can leave the disk.
 * Durable ops always persist. Of a file's pending writes and truncates, the
 * first `keptData.get(ino)` persist, in order (write-back in order; none
 * when absent). Pending directory ops persist when listed in
 * `keptDirectoryOps`, independently of each other. `tornWrite`, when set,
 * is how the in-flight write landed (it must then be kept).
 */
export interface CrashChoice {
  readonly crashPoint: number;
  readonly keptData: ReadonlyMap<number, number>;
  readonly keptDirectoryOps: ReadonlySet<number>;
  readonly tornWrite?: TornWrite;
}

export interface BuiltImage {
  readonly image: Image;
  /** Trace indexes of kept ops that could not apply (see `applyOp`). */
  readonly inconsistent: readonly number[];
}

/**
 * Replays the baseline and the chosen ops. A kept op that cannot apply
 * makes the combination inconsistent: `strict` stops at the first such op
 * (the caller discards the combination); otherwise the op is skipped and
 * the replay goes on, which yields the state of a smaller, consistent choice.
 */
export function buildImage(
  trace: Trace,
  choice: CrashChoice,
  strict: boolean,
  pending: PendingOps = pendingOps(trace.ops, choice.crashPoint),
): BuiltImage {
  const image = cloneImage(trace.baseline);
  const inconsistent: number[] = [];
  const seen = new Map<number, number>();
  for (let i = 0; i < choice.crashPoint; i++) {
    const op = trace.ops[i] as TraceOp;
    if (op.kind === "fsync" || op.kind === "fsyncdir") continue;
    let bytes: Uint8Array | undefined;
    if (!pending.durable[i]) {
      if (op.kind === "write" || op.kind === "truncate") {
        const index = seen.get(op.ino) ?? 0;
        seen.set(op.ino, index + 1);
        if (index >= (choice.keptData.get(op.ino) ?? 0)) continue;
        if (i === pending.inFlightWrite && op.kind === "write" && choice.tornWrite) {
          bytes = tornBytes(op.data, choice.tornWrite);
        }
      } else if (!choice.keptDirectoryOps.has(i)) continue;
    }
    if (applyOp(image, op, bytes)) continue;
    inconsistent.push(i);
    if (strict) break;
  }
  return { image, inconsistent };
}
