import type { Volume } from "memfs";
import { z } from "zod";
import { randomOption } from "../fault-points/option-schemas.js";
import { parseOptions } from "../options/parse-options.js";
import type { Random } from "../seed/random.js";
import { buildImage, type CrashChoice } from "./durability/crash-choice.js";
import { choiceLosses, describeChoice } from "./durability/describe-choice.js";
import { pendingOps } from "./durability/pending-ops.js";
import {
  garbageBytes,
  prefixLengths,
  TornPrefixes,
  type TornWrite,
} from "./durability/torn-write.js";
import { imageFingerprint, volumeFromImage } from "./durability/volume-image.js";
import type { Trace, TraceMark, TraceOp } from "./trace/trace-op.js";

/** One disk a crash could leave, handed to the checker. */
export interface CrashState {
  /** 1, 2, 3 … in the order checked. */
  readonly index: number;
  /** How many ops of the trace had completed (0 … trace length). */
  readonly crashPoint: number;
  /** The last of those ops, if any. */
  readonly op: TraceOp | undefined;
  /** How the in-flight write landed, when it was torn. */
  readonly torn: TornWrite | undefined;
  /** Pending writes and truncates that did not persist. */
  readonly lostData: readonly string[];
  /** Pending creates, renames, unlinks, mkdirs and rmdirs that did not persist. */
  readonly lostDirectory: readonly string[];
  /**
   * The marks the workload had reached: everything acknowledged before the
   * crash. A torn write never returned, so marks after it are not included.
   */
  readonly acknowledged: readonly TraceMark[];
  /** One line naming this state, for failure messages. */
  readonly description: string;
  /** The disk, as a fresh memfs volume the checker may change. */
  readonly volume: Volume;
}

export interface CrashStateFailure {
  readonly crashPoint: number;
  readonly description: string;
  /** What the checker threw. */
  readonly error: unknown;
  readonly message: string;
}

/** What an enumeration covered and found. */
export interface CrashStatesReport {
  /** Crash points: after each op of the trace, and before the first (trace length + 1). */
  readonly crashPoints: number;
  /** Combinations of choices considered (see `enumerateCrashStates`). */
  readonly combinations: number;
  /** Combinations no disk can reach (a kept op depending on a lost one): not checked. */
  readonly inconsistent: number;
  /** Combinations that gave the same disk and marks as one already checked at that crash point. */
  readonly duplicates: number;
  /** Distinct states handed to the checker: combinations − inconsistent − duplicates. */
  readonly states: number;
  /** Every state the checker rejected, in order. */
  readonly failures: CrashStateFailure[];
}

export interface CrashStatesOptions {
  /** Draws the bytes of garbage-torn writes: `seed.stream("fs-crash-states")`. */
  random: Random;
  /** Checks one post-crash disk; throwing (or rejecting) marks the state failed. */
  check: (state: CrashState) => void | Promise<void>;
  /** Prefix lengths tried for a torn write. Default `"ends"`: 1, n/2, n − 1. */
  tornPrefixes?: TornPrefixes;
  /** Pending directory ops allowed at one crash point (2^n subsets each). Default 12. */
  maxPendingDirectoryOps?: number;
  /** Combinations allowed in all. Default 200 000. */
  maxCombinations?: number;
}

const optionsSchema = z.strictObject({
  random: randomOption,
  check: z.custom<CrashStatesOptions["check"]>((value) => typeof value === "function", {
    error: "must be a function (state) => void | Promise<void>",
  }),
  tornPrefixes: z
    .enum(Object.values(TornPrefixes) as [TornPrefixes, ...TornPrefixes[]])
    .default(TornPrefixes.Ends),
  maxPendingDirectoryOps: z.number().int().min(0).max(24).default(12),
  maxCombinations: z.number().int().positive().default(200_000),
});

/** How many of a file's pending data ops persist, and how the in-flight one tore. */
type DataOption = {
  kept: number;
  tear?: { kind: "prefix"; length: number } | { kind: "zeros" } | { kind: "garbage" };
};

/**
 * Hands every disk a crash during the traced workload could leave to
 * `check` (the ALICE / CrashMonkey idea, bounded and exhaustive):
 *
 * for every crash point k (after each op, and before the first) —
 * durable ops always persist (see `pendingOps`); for each file, any in-order
 * part of its pending writes and truncates persists (0 … all); when op k is
 * a write (in flight at the crash) it lands complete, as a prefix (see
 * `tornPrefixes`), as zeros or as garbage (not landing at all is crash
 * point k − 1); and every subset of the pending directory ops persists
 * (creates, renames, unlinks: lost or kept), less the subsets no disk can
 * reach. Within a crash point, a disk already checked with the same marks
 * is not checked again.
 *
 * Throws a RangeError before checking anything when the trace needs more
 * than the bounds allow (nothing is sampled or skipped silently).
 */
export async function enumerateCrashStates(
  trace: Trace,
  options: CrashStatesOptions,
): Promise<CrashStatesReport> {
  const { random, check, tornPrefixes, maxPendingDirectoryOps, maxCombinations } = parseOptions(
    optionsSchema,
    options,
    "enumerateCrashStates options",
  );
  const plans = planCrashPoints(trace, tornPrefixes, maxPendingDirectoryOps, maxCombinations);
  let combinations = 0;
  let inconsistent = 0;
  let duplicates = 0;
  let states = 0;
  const failures: CrashStateFailure[] = [];

  for (const plan of plans) {
    const { crashPoint, pending, dimensions, directory } = plan;
    const seen = new Set<string>();
    // The bytes a garbage tear leaves, drawn once per crash point.
    const inFlight =
      pending.inFlightWrite === undefined ? undefined : trace.ops[pending.inFlightWrite];
    const garbage =
      inFlight?.kind === "write" ? garbageBytes(random, inFlight.data.length) : new Uint8Array(0);
    for (const picks of product(dimensions.map((dimension) => dimension.options.length))) {
      for (let mask = 0; mask < 2 ** directory.length; mask++) {
        combinations++;
        const keptData = new Map<number, number>();
        let torn: TornWrite | undefined;
        picks.forEach((pick, index) => {
          const dimension = dimensions[index] as (typeof dimensions)[number];
          const option = dimension.options[pick] as DataOption;
          keptData.set(dimension.ino, option.kept);
          if (option.tear) {
            torn =
              option.tear.kind === "garbage" ? { kind: "garbage", bytes: garbage } : option.tear;
          }
        });
        const choice: CrashChoice = {
          crashPoint,
          keptData,
          keptDirectoryOps: new Set(directory.filter((_, bit) => (mask >> bit) & 1)),
          ...(torn ? { tornWrite: torn } : {}),
        };
        const built = buildImage(trace, choice, true, pending);
        if (built.inconsistent.length > 0) {
          inconsistent++;
          continue;
        }
        const acknowledged = trace.marks.filter(
          (mark) => mark.at <= (torn ? crashPoint - 1 : crashPoint),
        );
        const key = `${acknowledged.length}:${imageFingerprint(built.image)}`;
        if (seen.has(key)) {
          duplicates++;
          continue;
        }
        seen.add(key);
        states++;
        const losses = choiceLosses(trace, choice, pending, built.image);
        const description = describeChoice(trace, choice, pending, built.image);
        const state: CrashState = {
          index: states,
          crashPoint,
          op: crashPoint > 0 ? trace.ops[crashPoint - 1] : undefined,
          torn,
          lostData: losses.lostData,
          lostDirectory: losses.lostDirectory,
          acknowledged,
          description,
          volume: volumeFromImage(built.image),
        };
        try {
          await check(state);
        } catch (error) {
          failures.push({
            crashPoint,
            description,
            error,
            message: error instanceof Error ? error.message : String(error),
          });
        }
      }
    }
  }
  return { crashPoints: plans.length, combinations, inconsistent, duplicates, states, failures };
}

interface CrashPointPlan {
  crashPoint: number;
  pending: ReturnType<typeof pendingOps>;
  dimensions: Array<{ ino: number; options: DataOption[] }>;
  directory: number[];
}

/** Every crash point's choices, checked against the bounds before anything runs. */
function planCrashPoints(
  trace: Trace,
  tornPrefixes: TornPrefixes,
  maxPendingDirectoryOps: number,
  maxCombinations: number,
): CrashPointPlan[] {
  const plans: CrashPointPlan[] = [];
  let total = 0;
  for (let crashPoint = 0; crashPoint <= trace.ops.length; crashPoint++) {
    const pending = pendingOps(trace.ops, crashPoint);
    if (pending.directory.length > maxPendingDirectoryOps) {
      throw new RangeError(
        `enumerateCrashStates: crash point ${crashPoint} has ${pending.directory.length} directory operations no directory fsync covers (more than maxPendingDirectoryOps = ${maxPendingDirectoryOps}, so 2^${pending.directory.length} subsets). Sync directories in the workload, shorten it, or raise maxPendingDirectoryOps.`,
      );
    }
    const dimensions = [...pending.data].map(([ino, list]) => {
      const last = trace.ops[list.at(-1) as number] as TraceOp;
      const options: DataOption[] =
        list.at(-1) === pending.inFlightWrite && last.kind === "write"
          ? [
              { kept: list.length },
              ...prefixLengths(last.data.length, tornPrefixes).map((length) => ({
                kept: list.length,
                tear: { kind: "prefix", length } as const,
              })),
              ...(last.data.length > 0
                ? [
                    { kept: list.length, tear: { kind: "zeros" } as const },
                    { kept: list.length, tear: { kind: "garbage" } as const },
                  ]
                : []),
            ]
          : Array.from({ length: list.length + 1 }, (_, kept) => ({ kept }));
      return { ino, options };
    });
    const count =
      dimensions.reduce((product, dimension) => product * dimension.options.length, 1) *
      2 ** pending.directory.length;
    total += count;
    if (total > maxCombinations) {
      throw new RangeError(
        `enumerateCrashStates: the trace has more than maxCombinations = ${maxCombinations} crash-state combinations (reached at crash point ${crashPoint} of ${trace.ops.length}). Fsync more often in the workload, shorten it, or raise maxCombinations.`,
      );
    }
    plans.push({ crashPoint, pending, dimensions, directory: [...pending.directory] });
  }
  return plans;
}

/** Every tuple of indexes below `sizes`, the last varying fastest. */
function* product(sizes: readonly number[]): Generator<number[]> {
  const picks = sizes.map(() => 0);
  while (true) {
    yield [...picks];
    let position = sizes.length - 1;
    while (position >= 0) {
      const next = (picks[position] as number) + 1;
      if (next < (sizes[position] as number)) {
        picks[position] = next;
        break;
      }
      picks[position] = 0;
      position--;
    }
    if (position < 0) return;
  }
}
