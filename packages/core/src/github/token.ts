import { z } from "zod";
import { type WorkflowMasterError, wfmError } from "../errors/index.js";
import type { ProcessSpawner } from "../ports/index.js";

/** Where the token came from; never the token itself in anything shown. */
export const TokenSource = {
  GithubToken: "GITHUB_TOKEN",
  GhToken: "GH_TOKEN",
  GhCli: "gh auth token",
} as const;
export type TokenSource = (typeof TokenSource)[keyof typeof TokenSource];

export interface ResolvedToken {
  readonly token: string;
  readonly source: TokenSource;
}

export interface ResolveGithubTokenOptions {
  /** The environment to read (`process.env` in production). */
  env: Readonly<Record<string, string | undefined>>;
  /** Runs `gh auth token` when neither variable is set. */
  spawner: ProcessSpawner;
  /** Where `gh` runs; default the current directory. */
  cwd?: string;
  /** Context for the error's guidance (`repo`, `runId`). */
  context?: { repo?: string; runId?: string };
}

const optionsSchema = z.object({
  env: z.record(z.string(), z.string().optional()),
  spawner: z.custom<ProcessSpawner>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      typeof (value as { run?: unknown }).run === "function",
    "must be a ProcessSpawner (an object with `run`)",
  ),
  cwd: z.string().min(1).optional(),
  context: z.object({ repo: z.string().optional(), runId: z.string().optional() }).optional(),
});

/**
 * The GitHub token, looked for in this order: `GITHUB_TOKEN`, `GH_TOKEN`,
 * then `gh auth token` when the GitHub CLI is installed (a missing `gh`, or
 * one that is not logged in, just means "no token from gh"). No token at
 * all is `WFM-GITHUB-TOKEN-MISSING`, whose guidance says how to create one
 * and which permissions it needs. The token never appears in the error.
 */
export async function resolveGithubToken(
  options: ResolveGithubTokenOptions,
): Promise<ResolvedToken> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Invalid resolveGithubToken options: \`${issue?.path.join(".") || "(options)"}\` ${issue?.message ?? "is invalid"}.`,
    );
  }
  const { env, spawner } = options;
  const fromEnv = (name: "GITHUB_TOKEN" | "GH_TOKEN") => env[name]?.trim() ?? "";
  const githubToken = fromEnv("GITHUB_TOKEN");
  if (githubToken !== "") return { token: githubToken, source: TokenSource.GithubToken };
  const ghToken = fromEnv("GH_TOKEN");
  if (ghToken !== "") return { token: ghToken, source: TokenSource.GhToken };

  const gh = await tokenFromGhCli(spawner, env, options.cwd ?? ".");
  if (gh.token !== "") return { token: gh.token, source: TokenSource.GhCli };
  throw missingToken(gh.why, options.context ?? {});
}

/** `gh auth token`: its stdout on success, otherwise why there was none. */
async function tokenFromGhCli(
  spawner: ProcessSpawner,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<{ token: string; why: string }> {
  // gh is looked up on the caller's PATH, and it reads its own config from there too.
  const childEnv: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "GH_CONFIG_DIR", "XDG_CONFIG_HOME"] as const) {
    const value = env[name];
    if (value !== undefined) childEnv[name] = value;
  }
  let result: Awaited<ReturnType<ProcessSpawner["run"]>>;
  try {
    result = await spawner.run("gh", ["auth", "token"], { cwd, env: childEnv });
  } catch (error) {
    if (isMissingProgram(error)) return { token: "", why: "the GitHub CLI (gh) is not installed" };
    throw error;
  }
  const token = result.stdout.trim();
  if (result.exitCode === 0 && token !== "") return { token, why: "" };
  return { token: "", why: "`gh auth token` printed no token (gh is not logged in)" };
}

function isMissingProgram(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "ENOENT" &&
    String((error as { syscall?: unknown }).syscall ?? "").startsWith("spawn")
  );
}

function missingToken(
  why: string,
  context: { repo?: string; runId?: string },
): WorkflowMasterError {
  return wfmError("WFM-GITHUB-TOKEN-MISSING", {
    message: `No GitHub token was found: GITHUB_TOKEN and GH_TOKEN are not set, and ${why}.`,
    context: { repo: context.repo, runId: context.runId, detail: why },
  });
}
