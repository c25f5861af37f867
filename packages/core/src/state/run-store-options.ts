import { hostname as osHostname } from "node:os";
import { z } from "zod";
import type { Clock } from "../ports/clock.js";
import type { FaultPoints } from "../ports/fault-points.js";
import type { FileSystem } from "../ports/file-system.js";
import type { ProcessSpawner } from "../ports/process-spawner.js";
import type { Random } from "../ports/random.js";
import { assertValidRunId } from "./run-id.js";

/** Options of `createRunStore` and `openRunStore`. */
export interface RunStoreOptions {
  fs: FileSystem;
  clock: Clock;
  random: Random;
  /** Its `pid` goes into the lock; `isAlive` judges other holders. */
  spawner: ProcessSpawner;
  faultPoints: FaultPoints;
  /** `<repo>/.workflowmaster` (see `stateRoot`). */
  root: string;
  /** Validated: `/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/`, no `..` (else WFM-RUN-ID-INVALID). */
  runId: string;
  /** Snapshots kept after each write. Default 3. */
  keepSnapshots?: number;
  /** A lock held from another host is taken over once older than this. Default 600 000 (10 min). */
  staleLockMs?: number;
  /** An unreadable lock file unchanged this long counts as abandoned. Default 500. */
  tornLockGraceMs?: number;
  /** Written into the lock and compared with other holders'. Default `os.hostname()`. */
  hostname?: string;
}

export interface ResolvedRunStoreOptions extends Required<RunStoreOptions> {}

/** Options of `readRun`. */
export interface ReadRunOptions {
  fs: FileSystem;
  root: string;
  runId: string;
}

export const DEFAULT_KEEP_SNAPSHOTS = 3;
export const DEFAULT_STALE_LOCK_MS = 10 * 60 * 1000;
export const DEFAULT_TORN_LOCK_GRACE_MS = 500;

function port<T>(name: string, methods: readonly string[]) {
  return z.custom<T>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === "function"),
    { message: `must be a ${name} port (with ${methods.join(", ")})` },
  );
}

const fsPort = port<FileSystem>("FileSystem", [
  "open",
  "readFile",
  "rename",
  "unlink",
  "mkdir",
  "readdir",
  "stat",
  "truncate",
  "syncDirectory",
]);

const readRunSchema = z.object({
  fs: fsPort,
  root: z.string().min(1, "must be a non-empty path"),
  runId: z.unknown(),
});

const runStoreSchema = readRunSchema.extend({
  clock: port<Clock>("Clock", ["now", "sleep"]),
  random: port<Random>("Random", ["next"]),
  spawner: port<ProcessSpawner>("ProcessSpawner", ["isAlive"]).refine(
    (spawner) => Number.isInteger(spawner.pid) && spawner.pid > 0,
    { message: "must have a positive integer pid" },
  ),
  faultPoints: port<FaultPoints>("FaultPoints", ["hit"]),
  keepSnapshots: z.int().min(1).default(DEFAULT_KEEP_SNAPSHOTS),
  staleLockMs: z.int().nonnegative().default(DEFAULT_STALE_LOCK_MS),
  tornLockGraceMs: z.int().nonnegative().default(DEFAULT_TORN_LOCK_GRACE_MS),
  hostname: z.string().min(1).optional(),
});

/**
 * Validates where options enter. A bad option is a bug in the caller
 * (TypeError naming the field); a bad run id is bad user input
 * (WFM-RUN-ID-INVALID).
 */
export function resolveRunStoreOptions(options: RunStoreOptions): ResolvedRunStoreOptions {
  const parsed = parseOrThrow(runStoreSchema, options, "run store options");
  return {
    ...parsed,
    runId: assertValidRunId(options.runId),
    hostname: parsed.hostname ?? osHostname(),
  };
}

export function resolveReadRunOptions(options: ReadRunOptions): ReadRunOptions {
  const parsed = parseOrThrow(readRunSchema, options, "readRun options");
  return { ...parsed, runId: assertValidRunId(options.runId) };
}

/** Validates `{ fs, root }` for `listRuns`. */
export function resolveListRunsOptions(options: { fs: FileSystem; root: string }): {
  fs: FileSystem;
  root: string;
} {
  return parseOrThrow(readRunSchema.omit({ runId: true }), options, "listRuns options");
}

function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => `${issue.path.map(String).join(".") || "(options)"}: ${issue.message}`)
    .join("; ");
  throw new TypeError(`Invalid ${what}: ${problems}`);
}
