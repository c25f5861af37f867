import { z } from "zod";
import type { Clock } from "../ports/clock.js";
import type { FaultPoints } from "../ports/fault-points.js";
import type { FileSystem } from "../ports/file-system.js";
import type { ProcessSpawner } from "../ports/process-spawner.js";
import type { Random } from "../ports/random.js";
import { parseOptions } from "../retry/parse-options.js";
import type { RetryBudget } from "../retry/retry-budget.js";
import type { RetryPolicy } from "../retry/retry-policy.js";
import type { GitIdentity } from "./git-environment.js";
import type { GitProcessProbe } from "./git-process-probe.js";

/**
 * Defaults:
 * - `remote` "origin": what `git clone` names it.
 * - `staleLockAgeMs` 5 000: git holds index.lock for milliseconds per
 *   command; a lock with no live git process in the repository that is at
 *   least this old is a crashed process's. A younger one is waited out first.
 * - `remoteTimeoutMs` 30 000: one `git ls-remote` (a reachability check or a
 *   push's reconcile) longer than this is treated as unreachable.
 * - `networkTimeoutMs` 600 000: one push or fetch; a larger repository's
 *   first push may take minutes, a hung one is cut and reconciled.
 * - `commandInactivityMs` 300 000: a local git command silent this long is
 *   killed (simple-git's timeout plugin, reset by every output chunk).
 * - `maxLooseObjects` 20 000: loose objects checked byte for byte before
 *   anything is written (git packs them after ~6 700, so this is all of them
 *   in practice); past it the check says how many it left out.
 * - `maxRebases` 3: a push rejected because the remote moved on is
 *   fetched, rebased and pushed again at most this many times.
 */
export const GIT_REPOSITORY_DEFAULTS = {
  remote: "origin",
  staleLockAgeMs: 5_000,
  remoteTimeoutMs: 30_000,
  networkTimeoutMs: 600_000,
  commandInactivityMs: 300_000,
  maxLooseObjects: 20_000,
  maxRebases: 3,
} as const;

const hasFunctions =
  <T>(...names: string[]) =>
  (value: unknown): value is T =>
    typeof value === "object" &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === "function");

const port = <T>(what: string, ...names: string[]) =>
  z.custom<T>(hasFunctions<T>(...names), `must be a ${what} (with ${names.join(", ")})`);

/** A remote's name as git accepts it, and never an option. */
export const REMOTE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

const identitySchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .regex(/^[^<>\n\r\0]+$/, "must not contain <, >, NUL or line breaks"),
  email: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .regex(/^[^<>\s\0]+$/, "must not contain <, >, NUL or spaces"),
});

const ms = (minimum: number) => z.int().min(minimum);

const optionsSchema = z.strictObject({
  /** The working tree's top directory. */
  dir: z.string().min(1, "must be the repository's directory"),
  clock: port<Clock>("Clock", "now", "sleep"),
  spawner: port<ProcessSpawner>("ProcessSpawner", "run", "isAlive").optional(),
  fs: port<FileSystem>("FileSystem", "readFile", "stat", "unlink", "open", "readdir").optional(),
  random: port<Random>("Random", "next").optional(),
  faultPoints: port<FaultPoints>("FaultPoints", "hit").optional(),
  processProbe: port<GitProcessProbe>("GitProcessProbe", "gitProcessesIn").optional(),
  /** Author and committer of every commit, given in each command's environment. */
  identity: identitySchema.optional(),
  /** Extra environment for every git command (after the inherited one). */
  env: z.record(z.string(), z.string()).optional(),
  remote: z
    .string()
    .regex(REMOTE_NAME, "must be a git remote name (letters, digits, '.', '_', '-')")
    .default(GIT_REPOSITORY_DEFAULTS.remote),
  /** Named in guidance ("resume run r1") and passed to fault points. */
  runId: z.string().min(1).optional(),
  /** Passed to fault points. */
  phase: z.string().min(1).optional(),
  retry: z.record(z.string(), z.unknown()).optional(),
  retryBudget: port<RetryBudget>("RetryBudget", "tryAcquire", "recordSuccess").optional(),
  staleLockAgeMs: ms(0).default(GIT_REPOSITORY_DEFAULTS.staleLockAgeMs),
  remoteTimeoutMs: ms(1).default(GIT_REPOSITORY_DEFAULTS.remoteTimeoutMs),
  networkTimeoutMs: ms(1).default(GIT_REPOSITORY_DEFAULTS.networkTimeoutMs),
  commandInactivityMs: ms(1).default(GIT_REPOSITORY_DEFAULTS.commandInactivityMs),
  maxLooseObjects: ms(0).default(GIT_REPOSITORY_DEFAULTS.maxLooseObjects),
  maxRebases: ms(0).default(GIT_REPOSITORY_DEFAULTS.maxRebases),
});

/** What `createGitRepository` takes; everything but `dir` and `clock` has a default. */
export interface GitRepositoryOptions {
  dir: string;
  clock: Clock;
  /** Runs the network commands (push, fetch, ls-remote) and `check-ref-format`. Default: Node's. */
  spawner?: ProcessSpawner;
  /** Reads lock files, HEAD and loose objects. Default: Node's. */
  fs?: FileSystem;
  /** Jitter for push retries. Default: the system's. */
  random?: Random;
  /** `git.commit.created`, `git.push.completed`. Default: none fire. */
  faultPoints?: FaultPoints;
  /** Finds live git processes holding a lock. Default: /proc (or `ps`). */
  processProbe?: GitProcessProbe;
  identity?: GitIdentity;
  env?: Record<string, string>;
  remote?: string;
  runId?: string;
  phase?: string;
  /** Retry policy for push, fetch and ls-remote (the retry module's defaults otherwise). */
  retry?: Partial<RetryPolicy>;
  retryBudget?: RetryBudget;
  staleLockAgeMs?: number;
  remoteTimeoutMs?: number;
  networkTimeoutMs?: number;
  commandInactivityMs?: number;
  maxLooseObjects?: number;
  maxRebases?: number;
}

export type ParsedGitRepositoryOptions = Omit<z.output<typeof optionsSchema>, "retry"> & {
  retry: Partial<RetryPolicy> | undefined;
};

/** Validates where the options enter; a bad field is named in the thrown TypeError. */
export function parseGitRepositoryOptions(options: unknown): ParsedGitRepositoryOptions {
  const parsed = parseOptions(optionsSchema, options, "git repository options");
  return { ...parsed, retry: parsed.retry as Partial<RetryPolicy> | undefined };
}
