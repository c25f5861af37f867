import { z } from "zod";
import { parseOptions } from "../options/parse-options.js";
import { ChaosEnv } from "./chaos-env.js";
import { KILL_SIGNALS, KillSignal } from "./kill-signal.js";

/** Die at the n-th hit of a fault point, with a signal. */
export interface PointKillRequest {
  /** A fault point name, such as `state.journal.synced`. */
  point: string;
  /** Which hit of the point (1-based). Default 1. */
  nth?: number;
  /** Default SIGKILL. */
  signal?: KillSignal;
}

/** A point kill as the child reads it from its environment. */
export interface PointKillPlan {
  readonly point: string;
  readonly nth: number;
  readonly signal: KillSignal;
  /** Where the child journals the kill before it dies. */
  readonly journal: string;
  readonly seed: number;
}

export const pointKillRequestSchema = z.strictObject({
  point: z
    .string({ error: "must be a fault point name" })
    .regex(/^[^@\s]+$/, "must be a fault point name without '@' or spaces"),
  nth: z.number().int().positive("must be a positive integer (1 is the first hit)").optional(),
  signal: z.enum(KILL_SIGNALS, { error: `must be one of ${KILL_SIGNALS.join(", ")}` }).optional(),
});

const envSchema = z.object({
  [ChaosEnv.KillAt]: z
    .string()
    .regex(/^[^@\s]+(@[1-9][0-9]*)?$/, "must be <point>@<n>, such as state.journal.synced@2")
    .optional(),
  [ChaosEnv.KillSignal]: z
    .enum(KILL_SIGNALS, { error: `must be one of ${KILL_SIGNALS.join(", ")}` })
    .optional(),
  [ChaosEnv.KillJournal]: z.string().min(1, "must name a file").optional(),
  [ChaosEnv.Seed]: z
    .string()
    .regex(/^[0-9]{1,15}$/, "must be a non-negative integer")
    .optional(),
});

/**
 * The environment that tells a child to die at a fault point: merge it into
 * the child's environment (`runChild` does this for you).
 */
export function pointKillEnv(
  request: PointKillRequest & { journal: string; seed?: number },
): Record<string, string> {
  const { journal, seed, ...rest } = request;
  const { point, nth, signal } = parseOptions(pointKillRequestSchema, rest, "point kill");
  if (typeof journal !== "string" || journal === "") {
    throw new TypeError(
      "Invalid point kill: journal: must name a file. Please fix the fields named.",
    );
  }
  if (seed !== undefined && (!Number.isSafeInteger(seed) || seed < 0)) {
    throw new TypeError(
      "Invalid point kill: seed: must be a non-negative safe integer. Please fix the fields named.",
    );
  }
  return {
    [ChaosEnv.KillAt]: `${point}@${nth ?? 1}`,
    [ChaosEnv.KillSignal]: signal ?? KillSignal.Kill,
    [ChaosEnv.KillJournal]: journal,
    [ChaosEnv.Seed]: String(seed ?? 0),
  };
}

/** The point kill an environment asks for, or undefined when it asks none. */
export function readPointKillEnv(
  env: Readonly<Record<string, string | undefined>>,
): PointKillPlan | undefined {
  const parsed = parseOptions(envSchema, env, "chaos environment");
  const killAt = parsed[ChaosEnv.KillAt];
  if (killAt === undefined) return undefined;
  const journal = parsed[ChaosEnv.KillJournal];
  if (journal === undefined) {
    throw new TypeError(
      `Invalid chaos environment: ${ChaosEnv.KillJournal}: must name a file when ${ChaosEnv.KillAt} is set, so the kill can be checked. Please fix the fields named.`,
    );
  }
  const at = killAt.lastIndexOf("@");
  return {
    point: at < 0 ? killAt : killAt.slice(0, at),
    nth: at < 0 ? 1 : Number(killAt.slice(at + 1)),
    signal: parsed[ChaosEnv.KillSignal] ?? KillSignal.Kill,
    journal,
    seed: Number(parsed[ChaosEnv.Seed] ?? "0"),
  };
}
