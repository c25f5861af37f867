import { tmpdir } from "node:os";
import { z } from "zod";
import type { ProcessSpawner } from "../ports/process-spawner.js";
import { nodeProcessSpawner } from "../ports/process-spawner.js";
import { parseOptions } from "../retry/parse-options.js";
import { slugifyTitle } from "./slugify-title.js";

export interface BranchNameOptions {
  /** Default "wfm/". Lowercase path segments, each ending in "/". */
  prefix?: string;
  /** The run's id: the fallback name is `<prefix>run-<runId>`. */
  runId: string;
  /** Appends `-<runId>` to the slug, so runs with the same title never share a branch. Default false. */
  appendRunId?: boolean;
  /** Longest slug taken from the title. Default 48. */
  maxSlugLength?: number;
  /** Runs `git check-ref-format`. Default: Node's. */
  spawner?: ProcessSpawner;
  /** Where `git check-ref-format` runs. Default: the system's temp directory (no repository needed). */
  cwd?: string;
}

const optionsSchema = z.strictObject({
  prefix: z
    .string()
    .regex(
      /^(?:[a-z0-9][a-z0-9_-]*\/)*$/,
      "must be lowercase path segments each ending in '/', like 'wfm/'",
    )
    .default("wfm/"),
  runId: z.string().min(1, "must not be empty"),
  appendRunId: z.boolean().default(false),
  maxSlugLength: z.int().min(8).max(200).default(48),
  spawner: z
    .custom<ProcessSpawner>(
      (value) => typeof (value as ProcessSpawner | undefined)?.run === "function",
      "must be a ProcessSpawner",
    )
    .optional(),
  cwd: z.string().min(1).optional(),
});

/**
 * A branch name for a run titled `title`: `<prefix><slug>` (see
 * slugifyTitle), validated by the real git with `git check-ref-format
 * --branch`. Whatever the title holds (`:`, `..`, `@{`, `~`, `^`, spaces,
 * other scripts, a leading `-`, a trailing `.lock`, nothing usable at all),
 * the answer is a valid name: when the slug is empty or git refuses it, the
 * fallback `<prefix>run-<runId>` (the run id slugified too), and failing
 * that `<prefix>run`.
 */
export async function branchNameFor(title: string, options: BranchNameOptions): Promise<string> {
  if (typeof title !== "string") throw new TypeError("branchNameFor: `title` must be a string.");
  const parsed = parseOptions(optionsSchema, options, "branch name options");
  const spawner = parsed.spawner ?? nodeProcessSpawner;
  const cwd = parsed.cwd ?? tmpdir();
  const runSlug = slugifyTitle(parsed.runId, 64);
  const slug = slugifyTitle(title, parsed.maxSlugLength);
  const candidates = [
    slug === ""
      ? undefined
      : `${parsed.prefix}${slug}${parsed.appendRunId && runSlug !== "" ? `-${runSlug}` : ""}`,
    runSlug === "" ? undefined : `${parsed.prefix}run-${runSlug}`,
    `${parsed.prefix}run`,
  ].filter((candidate): candidate is string => candidate !== undefined);
  const refusals: string[] = [];
  for (const candidate of candidates) {
    const verdict = await checkBranchName(spawner, cwd, candidate);
    if (verdict.valid) return candidate;
    refusals.push(`${candidate}: ${verdict.reason}`);
  }
  throw new TypeError(`branchNameFor: git refused every candidate name (${refusals.join("; ")}).`);
}

/** Asks the real git whether `name` is a valid branch name, exactly as given. */
export async function checkBranchName(
  spawner: ProcessSpawner,
  cwd: string,
  name: string,
  env?: Record<string, string>,
): Promise<{ valid: true } | { valid: false; reason: string }> {
  // `--branch` takes the next argument as the name, but a leading '-' is refused outright.
  if (name.startsWith("-")) return { valid: false, reason: "starts with '-'" };
  const result = await spawner.run("git", ["check-ref-format", "--branch", name], {
    cwd,
    env: { LC_ALL: "C", ...env },
  });
  if (result.exitCode === 0 && result.stdout.trim() === name) return { valid: true };
  if (result.exitCode === 0) {
    return { valid: false, reason: `git reads it as ${JSON.stringify(result.stdout.trim())}` };
  }
  return {
    valid: false,
    reason: result.stderr.trim() || `git check-ref-format exited with ${result.exitCode}`,
  };
}
