import type { Random } from "../../seed/random.js";
import type { Trace, TraceOp } from "../trace/trace-op.js";
import type { CrashChoice } from "./crash-choice.js";
import { pendingOps } from "./pending-ops.js";
import { garbageBytes, type TornWrite } from "./torn-write.js";

/** What a crash does to what was not made durable. */
export const CrashMode = {
  /** Only the process died: the kernel still writes back everything (nothing is lost). */
  KeepAll: "keep-all",
  /** Power loss at the worst moment: everything not fsynced is lost. */
  LoseUnsynced: "lose-unsynced",
  /**
   * Power loss, decided by the seeded stream: each file keeps a random
   * in-order part of its pending writes, the in-flight write may be torn
   * (prefix, zeros or garbage), each pending directory op is kept or lost.
   */
  Seeded: "seeded",
} as const;
export type CrashMode = (typeof CrashMode)[keyof typeof CrashMode];

export const CRASH_MODES: readonly CrashMode[] = Object.values(CrashMode);

const intBetween = (random: Random, min: number, max: number) =>
  min + Math.min(max - min, Math.floor(random.next() * (max - min + 1)));

/** The choice a crash in `mode` makes at the end of the trace. */
export function chooseCrash(trace: Trace, mode: CrashMode, random: Random): CrashChoice {
  const crashPoint = trace.ops.length;
  const pending = pendingOps(trace.ops, crashPoint);
  if (mode === CrashMode.LoseUnsynced) {
    return { crashPoint, keptData: new Map(), keptDirectoryOps: new Set() };
  }
  if (mode === CrashMode.KeepAll) {
    return {
      crashPoint,
      keptData: new Map([...pending.data].map(([ino, list]) => [ino, list.length])),
      keptDirectoryOps: new Set(pending.directory),
    };
  }
  const keptData = new Map<number, number>();
  let tornWrite: TornWrite | undefined;
  for (const [ino, list] of pending.data) {
    const kept = intBetween(random, 0, list.length);
    keptData.set(ino, kept);
    if (kept === list.length && list.at(-1) === pending.inFlightWrite) {
      const op = trace.ops[pending.inFlightWrite as number] as Extract<TraceOp, { kind: "write" }>;
      tornWrite = seededTear(random, op.data.length);
    }
  }
  const keptDirectoryOps = new Set(pending.directory.filter(() => random.next() < 0.5));
  return { crashPoint, keptData, keptDirectoryOps, ...(tornWrite ? { tornWrite } : {}) };
}

function seededTear(random: Random, length: number): TornWrite | undefined {
  const kind = intBetween(random, 0, 3);
  if (kind === 0 || length === 0) return undefined;
  if (kind === 1) {
    return length > 1 ? { kind: "prefix", length: intBetween(random, 1, length - 1) } : undefined;
  }
  if (kind === 2) return { kind: "zeros" };
  return { kind: "garbage", bytes: garbageBytes(random, length) };
}
