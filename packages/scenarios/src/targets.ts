import { readFile } from "node:fs/promises";
import { z } from "zod";

/** The reliability targets the suite is gated on; defaults are the brief's. */
export const TargetsSchema = z.strictObject({
  /** Share of no-fault cases that complete. */
  successUnderNoFaults: z.number().min(0).max(1).default(0.99),
  /** Share of transient-fault cases that end as expected. */
  recoveryFromTransient: z.number().min(0).max(1).default(0.95),
  /** Cases that lost acknowledged work. */
  dataLoss: z.number().int().min(0).default(0),
  /** Cases with an effect applied twice. */
  duplicates: z.number().int().min(0).default(0),
  /** Share of errors shown to a person that carry code, guidance and command. */
  actionableErrors: z.number().min(0).max(1).default(1),
  /** Share of transient-fault runs that needed a person (paused on a non-transient error). */
  interventions: z.number().min(0).max(1).default(0.1),
  /** p95 of virtual time from the first fault to the engine reacting. */
  timeToDetectMs: z.number().int().min(0).default(30_000),
  /** p95 of virtual time from the first transient fault to completion. */
  timeToRecoverMs: z.number().int().min(0).default(120_000),
});
export type Targets = z.infer<typeof TargetsSchema>;

export const DEFAULT_TARGETS: Targets = TargetsSchema.parse({});

/**
 * Reads targets from a JSON file (`chaos.config.json` at the repository root
 * by default): `{ "targets": { … } }`, every field optional. A missing file
 * means the defaults; a malformed one is refused, naming the bad field.
 */
export async function loadTargets(path: string): Promise<Targets> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return DEFAULT_TARGETS;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = z
    .strictObject({ targets: TargetsSchema.default(DEFAULT_TARGETS) })
    .safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${path}: ${(issue?.path ?? []).join(".") || "(root)"} ${issue?.message ?? "is invalid"}.`,
    );
  }
  return parsed.data.targets;
}
