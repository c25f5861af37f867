import { z } from "zod";
import type { PhaseContext } from "../../engine/index.js";
import type { DevRunInput } from "./dev-run-input.js";

/**
 * What each phase journals as its value, and reads back from the earlier
 * phases. Parsed, not cast: a journal written by another version, or a
 * value a reconcile got wrong, is a loud TypeError naming the field.
 */
const sha = z.string().regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, "must be a commit or tree id");

export const preflightValueSchema = z.object({
  baseSha: sha,
  /** What preflight repaired by itself (a stale index.lock removed …). */
  repairs: z.array(z.string()),
});

export const issueValueSchema = z.object({
  number: z.int().min(1),
  url: z.string(),
  nodeId: z.string(),
  origin: z.enum(["created", "found"]),
});

export const branchValueSchema = z.object({
  name: z.string().min(1),
  baseSha: sha,
});

export const savedAttemptSchema = z.object({ ref: z.string(), commit: sha });

export const implementValueSchema = z.object({
  /** The commit the attempt started from (the branch's base). */
  start: sha,
  /** The working tree the command left, as a tree id. */
  tree: sha,
  files: z.array(z.string()).min(1),
  attempt: z.int().min(1),
  /** Interrupted attempts' work, each kept under its ref. */
  savedAttempts: z.array(savedAttemptSchema),
  /** What was stopped before the attempt (a command left running by a killed process). */
  stoppedLeftover: z.string().optional(),
});

export const commitValueSchema = z.object({
  sha,
  files: z.array(z.string()),
});

export const pushValueSchema = z.object({
  sha,
  remote: z.string(),
  outcome: z.enum(["pushed", "already-on-remote"]),
  rebases: z.int().min(0),
});

export const pullRequestValueSchema = z.object({
  number: z.int().min(1),
  url: z.string(),
  nodeId: z.string(),
  head: z.string(),
  base: z.string(),
  origin: z.enum(["created", "found", "adopted"]),
});

export type PreflightValue = z.output<typeof preflightValueSchema>;
export type IssueValue = z.output<typeof issueValueSchema>;
export type BranchValue = z.output<typeof branchValueSchema>;
export type ImplementValue = z.output<typeof implementValueSchema>;
export type CommitValue = z.output<typeof commitValueSchema>;
export type PushValue = z.output<typeof pushValueSchema>;
export type PullRequestValue = z.output<typeof pullRequestValueSchema>;

/** Parses a phase value (its own, or an earlier phase's); a TypeError names the field. */
export function parseValue<T>(schema: z.ZodType<T>, value: unknown, phase: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new TypeError(
    `The value of phase \`${phase}\` is not what this workflow writes: ${[phase, ...(issue?.path ?? [])].join(".")} ${issue?.message ?? "is invalid"}.`,
  );
}

/** The value of an earlier, completed phase. */
export function earlier<T>(
  ctx: Pick<PhaseContext<DevRunInput>, "results">,
  phase: string,
  schema: z.ZodType<T>,
): T {
  if (!Object.hasOwn(ctx.results, phase)) {
    throw new TypeError(`Phase \`${phase}\` has not completed; its value is needed here.`);
  }
  return parseValue(schema, ctx.results[phase], phase);
}
