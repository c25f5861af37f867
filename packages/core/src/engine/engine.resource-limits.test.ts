import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  checkLimitSupport,
  createFaultJournal,
  createVirtualClock,
  KILL_SIGNALS,
  type KillSignal,
  type ResourceLimits,
  runChild,
} from "@workflowmaster/chaos";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAULT_POINTS } from "../ports/index.js";
import { createLedger } from "../testing/ledger.js";
import { digestTree } from "./fixtures/tree-digest.js";

/**
 * The engine under real process-level chaos, driven only through the chaos
 * package's process layer (`runChild`, `faultPointsFromEnv`, limits):
 *
 * 1. A child running a synthetic workflow is killed at each named fault
 *    point it reaches, by SIGKILL, SIGTERM or SIGINT, and is seen to die at
 *    exactly that point: its own kill line names the point and hit, the
 *    kernel reports the asked signal, its trace stops there, and its files
 *    are byte for byte what a full run had on disk at that hit.
 * 2. Limits on open files, file size and memory end a run with the engine's
 *    environmental codes (exit 3, the code printed, nothing on stderr), and
 *    the run resumes once the limit is raised. A real heap OOM is a crash by
 *    nature; the engine resumes after it.
 */

const CORE_DIR = fileURLToPath(new URL("../..", import.meta.url));
const TSX = ["--import", "tsx", "--conditions=@workflowmaster/source"];
const KILL_CHILD = fileURLToPath(new URL("./fixtures/kill-at-point-child.ts", import.meta.url));
const LIMITS_CHILD = fileURLToPath(new URL("./fixtures/resource-limits-child.ts", import.meta.url));
const MiB = 1024 * 1024;

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function scratch(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

// ── 1. kills at fault points ──────────────────────────────────────────────

interface TraceLine {
  n: number;
  point: string;
  phase: string | null;
  digest: string;
}

async function readTrace(path: string): Promise<TraceLine[]> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as TraceLine);
}

/** Runs the kill child once in a fresh world; returns the exit and its trace. */
async function killChild(options: { killAt?: { point: string; nth: number; signal: KillSignal } }) {
  const dir = await mkdtemp(join(tmpdir(), "wfm-kill-point-"));
  try {
    const world = join(dir, "world");
    await mkdir(world);
    const trace = join(dir, "trace.ndjson");
    const journal = createFaultJournal(createVirtualClock());
    const handle = await runChild({
      command: process.execPath,
      args: [...TSX, KILL_CHILD, world, trace],
      cwd: CORE_DIR,
      label: "release-child",
      journal,
      ...(options.killAt === undefined ? {} : { killAt: options.killAt }),
    });
    const exit = await handle.exited;
    return {
      pid: handle.pid,
      exit,
      trace: await readTrace(trace),
      digest: digestTree(world),
      journal: journal.entries(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `work` over `items`, `width` at a time, keeping the order of results. */
async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

describe("a child killed at each fault point the engine reaches", () => {
  let full: TraceLine[] = [];

  beforeAll(async () => {
    const run = await killChild({});
    expect([run.exit.code, run.exit.signal, run.exit.stderr]).toEqual([0, null, []]);
    expect(run.exit.stdout).toEqual(['{"start":"paused","rollback":"rolled-back"}']);
    full = run.trace;
  }, 60_000);

  it("reaches every one of core's FAULT_POINTS in a full run of the synthetic workflow", () => {
    const reached = new Set(full.map((line) => line.point));
    expect(FAULT_POINTS.filter((point) => !reached.has(point))).toEqual([]);
    expect([...reached].filter((point) => !FAULT_POINTS.includes(point as never))).toEqual([]);
    // The files change along the run, so comparing a killed run's files with them can fail.
    expect(new Set(full.map((line) => line.digest)).size).toBeGreaterThan(20);
  });

  it("dies at exactly the asked point and hit, by the asked signal, with nothing after it", async () => {
    // Each point at its first hit, and at its last where it is hit more than
    // once; signals taken in turn.
    const targets = FAULT_POINTS.flatMap((point) => {
      const hits = full.filter((line) => line.point === point);
      const first = hits[0] as TraceLine;
      const last = hits.at(-1) as TraceLine;
      return [
        { point, nth: 1, at: first },
        ...(hits.length > 1 ? [{ point, nth: hits.length, at: last }] : []),
      ];
    }).map((target, index) => ({
      ...target,
      signal: KILL_SIGNALS[index % KILL_SIGNALS.length] as KillSignal,
    }));

    const observed = await pool(targets, 2, async ({ point, nth, signal }) => {
      const run = await killChild({ killAt: { point, nth, signal } });
      const reached = run.exit.kill?.by === "point" ? run.exit.kill.reached : undefined;
      return {
        point,
        nth,
        exit: [run.exit.code, run.exit.signal],
        output: [run.exit.stdout, run.exit.stderr],
        killLine: reached === undefined ? undefined : { ...reached, pid: reached.pid === run.pid },
        trace: run.trace,
        digest: run.digest,
        journal: run.journal.map((entry) => [
          entry.layer,
          entry.fault,
          entry.target,
          entry.outcome,
        ]),
      };
    });

    expect(observed).toEqual(
      targets.map(({ point, nth, signal, at }) => ({
        point,
        nth,
        exit: [null, signal],
        output: [[], []],
        killLine: {
          pid: true,
          signal,
          point,
          hit: nth,
          ...(at.phase === null ? {} : { phase: at.phase }),
          runId: "release-1",
        },
        // No hit after the kill point was reached…
        trace: full.slice(0, at.n),
        // …and every file is as a full run had it at that hit: nothing after it happened.
        digest: at.digest,
        journal: [["process", signal, point, "killed"]],
      })),
    );
    // Figure: every named point killed, each by every signal at least once across points.
    expect(new Set(targets.map((target) => target.point)).size).toBe(FAULT_POINTS.length);
    expect(new Set(targets.map((target) => target.signal))).toEqual(new Set(KILL_SIGNALS));
  }, 180_000);
});

// ── 2. resource limits ────────────────────────────────────────────────────

/** A world for the limits child: 64 input files, an output directory. */
async function limitsWorld(): Promise<string> {
  const world = await scratch("wfm-limits-");
  await mkdir(join(world, "inputs"));
  await mkdir(join(world, "out"));
  for (let i = 1; i <= 64; i += 1) {
    await writeFile(join(world, "inputs", `in-${String(i).padStart(2, "0")}.txt`), `input ${i}\n`);
  }
  return world;
}

async function limitsChild(
  world: string,
  mode: "start" | "resume",
  options: { limits?: ResourceLimits; env?: Record<string, string> } = {},
) {
  const handle = await runChild({
    command: process.execPath,
    args: [...TSX, LIMITS_CHILD, world, mode],
    cwd: CORE_DIR,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  const exit = await handle.exited;
  const report =
    exit.stdout.length === 1 ? (JSON.parse(exit.stdout[0] as string) as unknown) : exit.stdout;
  return { exit, report };
}

const ledgerOf = async (world: string) => [
  ...(await createLedger(join(world, "ledger.ndjson")).applications()),
];
const sizeOf = (path: string) =>
  stat(path).then(
    (found) => found.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return -1;
      throw error;
    },
  );

/** The clean end of a paused or stopped run: exit 3, one JSON line, nothing on stderr. */
function expectCleanStop(
  run: Awaited<ReturnType<typeof limitsChild>>,
  report: Record<string, unknown>,
) {
  expect([run.exit.code, run.exit.signal]).toEqual([3, null]);
  expect(run.exit.stderr).toEqual([]);
  expect(run.report).toEqual(report);
}

async function expectResumeCompletes(world: string, env?: Record<string, string>) {
  const resumed = await limitsChild(world, "resume", env === undefined ? {} : { env });
  expect([resumed.exit.code, resumed.exit.signal, resumed.exit.stderr]).toEqual([0, null, []]);
  expect(resumed.report).toEqual({
    state: "completed",
    exit: 0,
    constrainedMemory: expect.any(Number),
  });
  expect(await ledgerOf(world)).toEqual([["limits-1/publish", 1]]);
  expect(await sizeOf(join(world, "out", "report.bin"))).toBe(4 * MiB);
}

describe("open files under prlimit --nofile", () => {
  it("makes the resource guard pause the run with WFM-FD-LOW before the first phase", async () => {
    const world = await limitsWorld();
    const run = await limitsChild(world, "start", {
      limits: { openFiles: 80 },
      env: { WFM_GUARD: "{}" },
    });
    expectCleanStop(run, {
      state: "paused",
      exit: 3,
      code: "WFM-FD-LOW",
      kind: "environmental",
      phase: "fetch (pending)",
      message: expect.stringMatching(
        /^Only \d+ file descriptors left \(\d+ open, limit 80\); phase `fetch` needs at least 64 to start\.$/,
      ),
      constrainedMemory: expect.any(Number),
    });
    const [, left, open] = /Only (\d+) .*\((\d+) open/.exec(
      (run.report as { message: string }).message,
    ) as unknown as [string, string, string];
    expect(Number(left) + Number(open)).toBe(80);
    expect(Number(left)).toBeLessThan(64);
    expect(await ledgerOf(world)).toEqual([]);
    expect(await sizeOf(join(world, "out", "report.bin"))).toBe(-1);
  });

  it("pauses with WFM-FD-EXHAUSTED when a phase hits EMFILE, and resumes once the limit is raised", async () => {
    const world = await limitsWorld();
    const run = await limitsChild(world, "start", { limits: { openFiles: 80 } });
    expectCleanStop(run, {
      state: "paused",
      exit: 3,
      code: "WFM-FD-EXHAUSTED",
      kind: "environmental",
      phase: "fetch (failed)",
      message: expect.stringMatching(
        new RegExp(
          `^The process ran out of file descriptors: EMFILE: too many open files, open '${world}/inputs/in-\\d\\d\\.txt'$`,
        ),
      ),
      constrainedMemory: expect.any(Number),
    });
    expect(await ledgerOf(world)).toEqual([]);
    await expectResumeCompletes(world);
  });
});

describe("file size under prlimit --fsize", () => {
  it("pauses with WFM-FILE-TOO-LARGE when a phase's write hits EFBIG, and resumes once it is raised", async () => {
    const world = await limitsWorld();
    const run = await limitsChild(world, "start", { limits: { fileSizeBytes: 1 * MiB } });
    expectCleanStop(run, {
      state: "paused",
      exit: 3,
      code: "WFM-FILE-TOO-LARGE",
      kind: "environmental",
      phase: "render (failed)",
      message:
        "A file reached the largest size this process may write: EFBIG: file too large, write",
      constrainedMemory: expect.any(Number),
    });
    // The write stopped at exactly the limit.
    expect(await sizeOf(join(world, "out", "report.bin"))).toBe(1 * MiB);
    expect(await ledgerOf(world)).toEqual([]);
    await expectResumeCompletes(world);
  });

  it("stops the run with WFM-FILE-TOO-LARGE when the run store's own append hits EFBIG; resume does not redo the effect", async () => {
    const world = await limitsWorld();
    // publish's value (6 MiB) makes its result record larger than the 5 MiB limit.
    const env = { WFM_SUMMARY_BYTES: String(6 * MiB) };
    const run = await limitsChild(world, "start", { limits: { fileSizeBytes: 5 * MiB }, env });
    expectCleanStop(run, {
      state: "running",
      exit: 3,
      code: "WFM-FILE-TOO-LARGE",
      kind: "environmental",
      phase: "publish (intent)",
      message:
        "A file reached the largest size this process may write: EFBIG: file too large, write",
      constrainedMemory: expect.any(Number),
    });
    // The effect happened before the failed append; the journal stayed under the limit.
    expect(await ledgerOf(world)).toEqual([["limits-1/publish", 1]]);
    const journal = join(world, ".workflowmaster", "runs", "limits-1", "journal.ndjson");
    expect(await sizeOf(journal)).toBeLessThanOrEqual(5 * MiB);
    await expectResumeCompletes(world, env);
  });
});

describe("memory", () => {
  it("pauses with WFM-MEMORY-LOW before the first phase inside an 80 MiB cgroup v1 memory limit", async () => {
    const support = await checkLimitSupport();
    // These machines have a writable cgroup v1 (platform.md); elsewhere this says why not.
    expect(support.cgroupMemory.available ? "available" : support.cgroupMemory.reason).toBe(
      "available",
    );
    const world = await limitsWorld();
    // Default thresholds: 64 MiB must be free; the child itself uses more than 16 MiB of the 80.
    const run = await limitsChild(world, "start", {
      limits: { memoryBytes: 80 * MiB },
      env: { WFM_GUARD: "{}" },
    });
    expectCleanStop(run, {
      state: "paused",
      exit: 3,
      code: "WFM-MEMORY-LOW",
      kind: "environmental",
      phase: "fetch (pending)",
      message: expect.stringMatching(
        /^Only [\d.]+ MiB of memory free; phase `fetch` needs at least 64 MiB to start\.$/,
      ),
      // The probe saw the cgroup's limit, not the machine's memory.
      constrainedMemory: 80 * MiB,
    });
    expect(run.exit.memory?.oomKills).toBe(0);
    expect(await ledgerOf(world)).toEqual([]);
    await expectResumeCompletes(world, { WFM_GUARD: "{}" });
  });

  it("pauses with WFM-MEMORY-LOW when the free-memory threshold is above what the machine has", async () => {
    const world = await limitsWorld();
    const threshold = 1024 * 1024 * MiB; // 1 TiB
    const run = await limitsChild(world, "start", {
      env: { WFM_GUARD: JSON.stringify({ minFreeMemoryBytes: threshold }) },
    });
    expectCleanStop(run, {
      state: "paused",
      exit: 3,
      code: "WFM-MEMORY-LOW",
      kind: "environmental",
      phase: "fetch (pending)",
      message: expect.stringMatching(
        /^Only [\d.]+ [KMG]iB of memory free; phase `fetch` needs at least 1 TiB to start\.$/,
      ),
      constrainedMemory: expect.any(Number),
    });
  });

  it("crashes on a real heap OOM (V8 aborts: no code to catch it), and the run resumes on restart", async () => {
    const world = await limitsWorld();
    const ballast = { WFM_BALLAST_MIB: "256" };
    const run = await limitsChild(world, "start", { limits: { heapMiB: 64 }, env: ballast });
    // A crash by nature: SIGABRT from V8's fatal error, not an engine code.
    expect([run.exit.code, run.exit.signal]).toEqual([null, "SIGABRT"]);
    expect(run.exit.stdout).toEqual([]);
    expect(run.exit.stderr.some((line) => line.includes("JavaScript heap out of memory"))).toBe(
      true,
    );
    expect(await sizeOf(join(world, "out", "report.bin"))).toBe(-1);
    // Restarted with room, the engine reconciles `render` (not found), redoes it and completes.
    await expectResumeCompletes(world, ballast);
  });
});
