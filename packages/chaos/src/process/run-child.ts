import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { z } from "zod";
import { journalOption } from "../fault-points/option-schemas.js";
import type { FaultJournal } from "../journal/fault-journal.js";
import { FaultLayer } from "../journal/fault-layer.js";
import { parseOptions } from "../options/parse-options.js";
import { KILL_SIGNALS, KillSignal } from "./kill-signal.js";
import { checkLimitSupport, type LimitSupportOptions } from "./limit-support.js";
import { lineCollector } from "./line-collector.js";
import { createMemoryCgroup, type MemoryCgroup, type MemoryCgroupUsage } from "./memory-cgroup.js";
import { hasAnyLimit, planLimits, prlimitArguments } from "./plan-limits.js";
import { type PointKill, readPointKill } from "./point-kill.js";
import { pointKillEnv, pointKillRequestSchema } from "./point-kill-env.js";
import {
  LimitName,
  type LimitOutcome,
  type ResourceLimits,
  resourceLimitsSchema,
} from "./resource-limits.js";

/** Kill the child after a real-time delay. */
export interface KillAtTime {
  afterMs: number;
  /** Default SIGKILL. */
  signal?: KillSignal;
}

/** Make the child kill itself at the n-th hit of a fault point (it learns which from its environment). */
export interface KillAtPoint {
  point: string;
  /** Default 1. */
  nth?: number;
  /** Default SIGKILL. */
  signal?: KillSignal;
}

export interface RunChildOptions {
  command: string;
  args?: readonly string[];
  /** Merged over this process's environment; `undefined` removes a variable. */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  limits?: ResourceLimits;
  killAt?: KillAtTime | KillAtPoint;
  /** Limits, kills and what was observed are recorded here (layer `process`). */
  journal?: FaultJournal;
  /** The child's name in the journal. Default: the command's file name. */
  label?: string;
  /** Where prlimit and the cgroup controller are (defaults suit Linux). */
  limitSupport?: LimitSupportOptions;
  /** Seed of the child's fault-point stream, for `killAt.point`. Default 0. */
  seed?: number;
}

/** What the harness asked for and what it saw happen. */
export type KillObservation =
  | {
      readonly by: "time";
      readonly afterMs: number;
      readonly signal: KillSignal;
      /** False when the child had exited before the time came. */
      readonly sent: boolean;
    }
  | {
      readonly by: "point";
      readonly point: string;
      readonly nth: number;
      readonly signal: KillSignal;
      /** The child's own line, written just before it killed itself; undefined if never reached. */
      readonly reached: PointKill | undefined;
    };

export interface ChildExit {
  /** The exit status, or null when a signal ended the child. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  readonly limits: readonly LimitOutcome[];
  /** The memory cgroup's counters, when a memory limit was applied. */
  readonly memory?: MemoryCgroupUsage;
  readonly kill?: KillObservation;
}

export interface ChildHandle {
  readonly pid: number;
  /** Every limit asked for, applied or not. */
  readonly limits: readonly LimitOutcome[];
  /** Lines written so far (without the newline); grows while the child runs. */
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /**
   * Settles once the child has exited and its output is read. Rejects only
   * when the harness's own cleanup failed (a cgroup that cannot be removed).
   */
  readonly exited: Promise<ChildExit>;
  /**
   * Sends `signal` (default SIGKILL) to the child's process group, so what it
   * started gets it too, as with Ctrl-C or a service stop. False when the
   * group is already gone.
   */
  kill(signal?: KillSignal): boolean;
}

const signalSchema = z.enum(KILL_SIGNALS, { error: `must be one of ${KILL_SIGNALS.join(", ")}` });

const killAtSchema = z.union(
  [
    z.strictObject({
      afterMs: z.number().int().nonnegative("must be a whole number of ms >= 0"),
      signal: signalSchema.optional(),
    }),
    pointKillRequestSchema,
  ],
  { error: "must be { afterMs, signal? } or { point, nth?, signal? }" },
);

const optionsSchema = z.strictObject({
  command: z.string({ error: "must be a program to run" }).min(1, "must be a program to run"),
  args: z.array(z.string(), { error: "must be an array of strings" }).default([]),
  env: z
    .record(z.string(), z.string().optional(), { error: "must map names to strings" })
    .optional(),
  cwd: z.string().min(1, "must be a directory").optional(),
  limits: resourceLimitsSchema.optional(),
  killAt: killAtSchema.optional(),
  journal: journalOption.optional(),
  label: z.string().min(1, "must be a non-empty name").optional(),
  limitSupport: z
    .strictObject({
      prlimit: z.string().min(1).optional(),
      cgroupMemoryRoot: z.string().min(1).optional(),
      cgroupParent: z.string().min(1).optional(),
    })
    .optional(),
  seed: z.number().int().nonnegative("must be a non-negative integer").optional(),
});

/**
 * Runs a command in a child process — in its own process group, under the
 * asked limits — and kills it at a time or at a fault point. A point kill
 * works with a child that builds its fault points with `faultPointsFromEnv`:
 * the child appends the point and hit to a kill journal and then kills
 * itself, so `exited` can report the exact point it died at beside the
 * signal the kernel reports. When the child exits, whatever it left running
 * in its process group is SIGKILLed, so nothing outlives a test.
 */
export async function runChild(options: RunChildOptions): Promise<ChildHandle> {
  const parsed = parseOptions(optionsSchema, options, "runChild options");
  const journal = options.journal;
  const label = parsed.label ?? basename(parsed.command);
  const limits = parsed.limits;

  const support =
    limits !== undefined && hasAnyLimit(limits)
      ? await checkLimitSupport(parsed.limitSupport)
      : undefined;
  const outcomes = support === undefined || limits === undefined ? [] : planLimits(limits, support);
  const unavailable = outcomes.filter((outcome) => !outcome.available);
  if (unavailable.length > 0 && limits?.ifUnavailable !== "run-without") {
    throw new Error(
      `Failed to start \`${label}\` under its resource limits: ${unavailable.map((outcome) => `${outcome.limit}: ${outcome.available ? "" : outcome.reason}`).join(" ")} Run it where these work (Linux, root, util-linux, cgroup v1), drop those limits, or pass limits.ifUnavailable: "run-without".`,
    );
  }

  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...parsed.env })) {
    if (value !== undefined) env[name] = value;
  }
  const applied = (limit: LimitName) =>
    outcomes.some((outcome) => outcome.limit === limit && outcome.available);
  if (limits?.heapMiB !== undefined && applied(LimitName.Heap)) {
    const heap = `--max-old-space-size=${limits.heapMiB}`;
    env.NODE_OPTIONS = env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ${heap}` : heap;
  }

  const killAt = parsed.killAt;
  const pointKill = killAt !== undefined && "point" in killAt ? killAt : undefined;
  let scratch: string | undefined;
  let cgroup: MemoryCgroup | undefined;
  let command = parsed.command;
  let args = [...parsed.args];
  try {
    if (pointKill !== undefined) {
      scratch = await mkdtemp(join(tmpdir(), "wfm-chaos-kill-"));
      Object.assign(
        env,
        pointKillEnv({ ...pointKill, journal: join(scratch, "kill.ndjson"), seed: parsed.seed }),
      );
    }
    if (limits?.memoryBytes !== undefined && applied(LimitName.Memory)) {
      const parent = support?.cgroupMemory.available ? support.cgroupMemory.detail : "";
      cgroup = await createMemoryCgroup(parent, limits.memoryBytes);
      ({ command, args } = cgroup.wrap(command, args));
    }
    const rlimits = prlimitArguments(limits, outcomes);
    if (rlimits.length > 0) {
      const prlimit = parsed.limitSupport?.prlimit ?? "prlimit";
      args = [...rlimits, "--", command, ...args];
      command = prlimit;
    }
  } catch (error) {
    await cleanUp(cgroup, scratch);
    throw error;
  }

  for (const outcome of outcomes) {
    journal?.record({
      layer: FaultLayer.Process,
      fault: "limit",
      target: label,
      outcome: outcome.available ? "applied" : "unavailable",
      detail: {
        limit: outcome.limit,
        value: outcome.value,
        ...(outcome.available ? { via: outcome.via } : { reason: outcome.reason }),
      },
    });
  }

  const child = spawn(command, args, {
    cwd: parsed.cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const stdout = lineCollector();
  const stderr = lineCollector();
  child.stdout.setEncoding("utf8").on("data", stdout.push);
  child.stderr.setEncoding("utf8").on("data", stderr.push);

  const pid = child.pid;
  const killGroup = (signal: KillSignal): boolean => {
    if (pid === undefined) return false;
    try {
      process.kill(-pid, signal);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
      throw error;
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let timeKillSent = false;
  if (killAt !== undefined && "afterMs" in killAt) {
    const signal = killAt.signal ?? KillSignal.Kill;
    timer = setTimeout(() => {
      timeKillSent = killGroup(signal);
      if (timeKillSent) {
        journal?.record({
          layer: FaultLayer.Process,
          fault: signal,
          target: label,
          outcome: "sent",
          detail: { afterMs: killAt.afterMs, pid: pid ?? -1 },
        });
      }
    }, killAt.afterMs);
  }

  const exited = new Promise<ChildExit>((resolve, reject) => {
    let spawnError: Error | undefined;
    child.on("error", (error) => {
      spawnError = error;
    });
    // The child itself is gone: reap whatever it left in its group, so the
    // pipes close and nothing outlives the run.
    child.on("exit", () => {
      if (timer !== undefined) clearTimeout(timer);
      killGroup(KillSignal.Kill);
    });
    child.on("close", (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      const finish = async (): Promise<ChildExit> => {
        const memory = cgroup === undefined ? undefined : await cgroup.usage();
        const reached =
          scratch === undefined ? undefined : await readPointKill(join(scratch, "kill.ndjson"));
        await cleanUp(cgroup, scratch);
        if (spawnError !== undefined && pid === undefined) throw spawnError;
        stdout.end();
        stderr.end();
        const kill = observeKill(killAt, timeKillSent, reached);
        if (kill?.by === "time" && !kill.sent) {
          journal?.record({
            layer: FaultLayer.Process,
            fault: kill.signal,
            target: label,
            outcome: "not-sent",
            detail: { afterMs: kill.afterMs, reason: "the child had already exited" },
          });
        }
        if (kill?.by === "point") {
          journal?.record({
            layer: FaultLayer.Process,
            fault: kill.signal,
            target: kill.point,
            outcome:
              kill.reached === undefined
                ? "not-reached"
                : signal === kill.signal
                  ? "killed"
                  : "survived",
            detail: {
              nth: kill.nth,
              ...(kill.reached === undefined
                ? {}
                : { hit: kill.reached.hit, pid: kill.reached.pid }),
              exitCode: code,
              exitSignal: signal,
            },
          });
        }
        return {
          code,
          signal,
          stdout: [...stdout.lines],
          stderr: [...stderr.lines],
          limits: outcomes,
          ...(memory === undefined ? {} : { memory }),
          ...(kill === undefined ? {} : { kill }),
        };
      };
      finish().then(resolve, reject);
    });
  });

  if (pid === undefined) {
    // spawn failed (ENOENT, EACCES): `exited` rejects with the cause.
    await exited;
    throw new Error(`Failed to start \`${label}\`: no process was created.`);
  }

  return {
    pid,
    limits: outcomes,
    stdout: stdout.lines,
    stderr: stderr.lines,
    exited,
    kill: (signal = KillSignal.Kill) => {
      const checked = parseOptions(signalSchema, signal, "kill(signal)");
      const sent = killGroup(checked);
      if (sent) {
        journal?.record({
          layer: FaultLayer.Process,
          fault: checked,
          target: label,
          outcome: "sent",
          detail: { pid },
        });
      }
      return sent;
    },
  };
}

function observeKill(
  killAt: KillAtTime | KillAtPoint | undefined,
  timeKillSent: boolean,
  reached: PointKill | undefined,
): KillObservation | undefined {
  if (killAt === undefined) return undefined;
  const signal = killAt.signal ?? KillSignal.Kill;
  if ("afterMs" in killAt)
    return { by: "time", afterMs: killAt.afterMs, signal, sent: timeKillSent };
  return { by: "point", point: killAt.point, nth: killAt.nth ?? 1, signal, reached };
}

async function cleanUp(cgroup: MemoryCgroup | undefined, scratch: string | undefined) {
  if (cgroup !== undefined) await cgroup.remove();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
}
