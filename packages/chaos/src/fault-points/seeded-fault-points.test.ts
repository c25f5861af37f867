import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal, type FaultJournal } from "../journal/fault-journal.js";
import { createSeed } from "../seed/create-seed.js";
import type { Random } from "../seed/random.js";
import { ChaosCrash, isChaosCrash } from "./chaos-crash.js";
import type { FaultRule } from "./fault-rule.js";
import { createSeededFaultPoints, type SeededFaultPoints } from "./seeded-fault-points.js";

const POINTS = [
  "state.journal.written",
  "state.journal.synced",
  "state.snapshot.renamed",
  "engine.phase.intent-recorded",
  "engine.phase.effect-applied",
  "github.issue.created",
  "git.push.completed",
] as const;
const PHASES = ["issue", "branch", "commit", "push"] as const;

function setup(plan: FaultRule[], random: Random = createSeed(1).stream("fault-points")) {
  const clock = createVirtualClock();
  const journal = createFaultJournal(clock);
  const faultPoints = createSeededFaultPoints({ random, journal, plan, clock });
  return { clock, journal, faultPoints };
}

/** Hits `point` `count` times; returns, per hit, "ok" or the crash's point. */
async function hitMany(faultPoints: SeededFaultPoints, point: string, count: number) {
  const outcomes: string[] = [];
  for (let i = 0; i < count; i++) outcomes.push(await outcome(faultPoints.hit(point)));
  return outcomes;
}

async function outcome(hit: Promise<void>): Promise<string> {
  try {
    await hit;
    return "ok";
  } catch (error) {
    // Only an injected crash is an outcome; anything else fails the test.
    if (isChaosCrash(error)) return `crash@${error.point}`;
    throw error;
  }
}

/** A seeded workload over many points and phases, as an engine would hit them. */
async function workload(root: number): Promise<FaultJournal> {
  const seed = createSeed(root);
  const { journal, faultPoints } = setup(
    [
      { point: "git.push.completed", phase: "push", nth: 2, action: "throw" },
      { point: /^state\./, probability: 0.05, action: "throw" },
      { point: /^engine\./, probability: 0.1, action: { delayMs: 250 } },
      { point: "github.issue.created", probability: 0.2, action: { delayMs: 1000 }, once: true },
    ],
    seed.stream("fault-points"),
  );
  const schedule = seed.stream("workload");
  for (let i = 0; i < 300; i++) {
    const context = { phase: schedule.pick(PHASES), runId: `r${root}` };
    await outcome(faultPoints.hit(schedule.pick(POINTS), context));
  }
  return journal;
}

describe("createSeededFaultPoints: determinism", () => {
  it("writes an identical fault journal for the same seed", async () => {
    const first = await workload(42);
    const second = await workload(42);
    expect(first.fired()).toBeGreaterThan(10);
    expect(second.toNdjson()).toBe(first.toNdjson());
  });

  it("writes different fault journals for different seeds", async () => {
    const a = await workload(42);
    const b = await workload(43);
    expect(b.toNdjson()).not.toBe(a.toNdjson());
  });
});

describe("createSeededFaultPoints: nth", () => {
  it("fires exactly on the n-th matching hit and on no other", async () => {
    const { journal, faultPoints } = setup([
      { point: "state.journal.synced", nth: 3, action: "throw" },
    ]);
    expect(await hitMany(faultPoints, "state.journal.synced", 6)).toEqual([
      "ok",
      "ok",
      "crash@state.journal.synced",
      "ok",
      "ok",
      "ok",
    ]);
    expect(journal.entries()).toEqual([
      {
        seq: 1,
        at: "2026-01-01T00:00:00.000Z",
        layer: "engine",
        fault: "throw",
        target: "state.journal.synced",
        outcome: "thrown",
        detail: { by: "plan[0]", hit: 3 },
      },
    ]);
  });

  it("counts only hits in the rule's phase", async () => {
    const { faultPoints } = setup([
      { point: "git.push.completed", phase: "push", nth: 2, action: "throw" },
    ]);
    const results = [
      await outcome(faultPoints.hit("git.push.completed", { phase: "push" })),
      await outcome(faultPoints.hit("git.push.completed", { phase: "commit" })),
      await outcome(faultPoints.hit("git.push.completed")),
      await outcome(faultPoints.hit("git.push.completed", { phase: "push" })),
    ];
    expect(results).toEqual(["ok", "ok", "ok", "crash@git.push.completed"]);
  });

  it("rejects with a ChaosCrash that carries the point and context", async () => {
    const { faultPoints } = setup([{ point: "github.issue.created", nth: 1, action: "throw" }]);
    const hit = faultPoints.hit("github.issue.created", { phase: "issue", runId: "r9" });
    await expect(hit).rejects.toThrow(ChaosCrash);
    await expect(hit).rejects.toMatchObject({
      code: "CHAOS_CRASH",
      point: "github.issue.created",
      context: { phase: "issue", runId: "r9" },
    });
  });
});

describe("createSeededFaultPoints: once", () => {
  it("fires a once rule on its first firing only", async () => {
    const { journal, faultPoints } = setup([
      { point: "state.snapshot.renamed", action: "throw", once: true },
    ]);
    expect(await hitMany(faultPoints, "state.snapshot.renamed", 4)).toEqual([
      "crash@state.snapshot.renamed",
      "ok",
      "ok",
      "ok",
    ]);
    expect(journal.fired("engine", "throw")).toBe(1);
  });

  it("fires a rule without once on every matching hit", async () => {
    const { journal, faultPoints } = setup([{ point: "state.snapshot.renamed", action: "throw" }]);
    expect(await hitMany(faultPoints, "state.snapshot.renamed", 3)).toEqual([
      "crash@state.snapshot.renamed",
      "crash@state.snapshot.renamed",
      "crash@state.snapshot.renamed",
    ]);
    expect(journal.fired()).toBe(3);
  });

  it("fires a once rule with a probability at its first lucky hit, then never", async () => {
    const draws = [0.9, 0.8, 0.1, 0.05, 0.01];
    const scripted: Random = { next: () => draws.shift() ?? 0 };
    const { journal, faultPoints } = setup(
      [{ point: "git.commit.created", probability: 0.5, action: "throw", once: true }],
      scripted,
    );
    expect(await hitMany(faultPoints, "git.commit.created", 5)).toEqual([
      "ok",
      "ok",
      "crash@git.commit.created",
      "ok",
      "ok",
    ]);
    expect(journal.entries().map((entry) => entry.detail?.hit)).toEqual([3]);
    // A spent rule draws no more: two of the five draws are left.
    expect(draws).toEqual([0.05, 0.01]);
  });
});

describe("createSeededFaultPoints: matching", () => {
  it("matches a RegExp point on every hit, even with the global flag", async () => {
    const { faultPoints } = setup([{ point: /^state\.snapshot\./g, action: "throw" }]);
    expect(await hitMany(faultPoints, "state.snapshot.renamed", 3)).toEqual([
      "crash@state.snapshot.renamed",
      "crash@state.snapshot.renamed",
      "crash@state.snapshot.renamed",
    ]);
    expect(await hitMany(faultPoints, "state.journal.synced", 1)).toEqual(["ok"]);
  });

  it("fires only the first rule whose conditions hold", async () => {
    const { journal, faultPoints } = setup([
      { point: "engine.phase.effect-applied", nth: 2, action: "throw" },
      { point: /^engine\./, action: { delayMs: 100 } },
    ]);
    expect(await hitMany(faultPoints, "engine.phase.effect-applied", 3)).toEqual([
      "ok",
      "crash@engine.phase.effect-applied",
      "ok",
    ]);
    expect(journal.entries().map((entry) => [entry.fault, entry.detail?.by])).toEqual([
      ["delay", "plan[1]"],
      ["throw", "plan[0]"],
      ["delay", "plan[1]"],
    ]);
  });

  it("counts a hit for a later nth rule even when an earlier rule fired", async () => {
    const { journal, faultPoints } = setup([
      { point: "state.lock.acquired", nth: 1, action: { delayMs: 10 } },
      { point: "state.lock.acquired", nth: 2, action: "throw" },
    ]);
    expect(await hitMany(faultPoints, "state.lock.acquired", 3)).toEqual([
      "ok",
      "crash@state.lock.acquired",
      "ok",
    ]);
    expect(journal.fired()).toBe(2);
  });

  it("draws no number for a hit no rule is about", async () => {
    let draws = 0;
    const counting: Random = {
      next: () => {
        draws += 1;
        return 0.99;
      },
    };
    const { faultPoints } = setup(
      [{ point: "github.issue.created", probability: 0.5, action: "throw" }],
      counting,
    );
    await hitMany(faultPoints, "git.push.completed", 10);
    expect(draws).toBe(0);
    await hitMany(faultPoints, "github.issue.created", 4);
    expect(draws).toBe(4);
  });
});

describe("createSeededFaultPoints: delay", () => {
  it("sleeps on the injected clock and journals the delay at its start", async () => {
    const { clock, journal, faultPoints } = setup([
      { point: "github.pull-request.created", action: { delayMs: 30_000 } },
    ]);
    await faultPoints.hit("github.pull-request.created", { phase: "pull-request" });
    await faultPoints.hit("github.pull-request.created", { phase: "pull-request" });
    expect(clock.elapsed).toBe(60_000);
    expect(journal.entries()).toEqual([
      {
        seq: 1,
        at: "2026-01-01T00:00:00.000Z",
        layer: "engine",
        fault: "delay",
        target: "github.pull-request.created",
        outcome: "delayed",
        detail: { by: "plan[0]", hit: 1, phase: "pull-request", delayMs: 30_000 },
      },
      {
        seq: 2,
        at: "2026-01-01T00:00:30.000Z",
        layer: "engine",
        fault: "delay",
        target: "github.pull-request.created",
        outcome: "delayed",
        detail: { by: "plan[0]", hit: 2, phase: "pull-request", delayMs: 30_000 },
      },
    ]);
  });
});

describe("createSeededFaultPoints: hits", () => {
  it("counts hits per point in first-hit order, fired or not", async () => {
    const { faultPoints } = setup([{ point: "state.journal.synced", nth: 1, action: "throw" }]);
    await hitMany(faultPoints, "state.journal.written", 2);
    await hitMany(faultPoints, "state.journal.synced", 3);
    await hitMany(faultPoints, "state.journal.written", 1);
    expect(faultPoints.hits()).toEqual({ "state.journal.written": 3, "state.journal.synced": 3 });
    expect(Object.keys(faultPoints.hits())).toEqual([
      "state.journal.written",
      "state.journal.synced",
    ]);
  });
});

describe("createSeededFaultPoints: use and reset", () => {
  it("puts runtime rules in front and restores the initial plan on reset", async () => {
    const { journal, faultPoints } = setup([{ point: "git.commit.created", action: "throw" }]);
    faultPoints.use({ point: "git.commit.created", action: { delayMs: 5 } });
    expect(await hitMany(faultPoints, "git.commit.created", 2)).toEqual(["ok", "ok"]);
    faultPoints.reset();
    expect(await hitMany(faultPoints, "git.commit.created", 1)).toEqual([
      "crash@git.commit.created",
    ]);
    expect(journal.entries().map((entry) => entry.detail?.by)).toEqual([
      "override[0]",
      "override[0]",
      "plan[0]",
    ]);
  });

  it("clears nth counts and spent once rules on reset", async () => {
    const { faultPoints } = setup([
      { point: "git.commit.created", nth: 2, action: "throw" },
      { point: "git.push.completed", action: "throw", once: true },
    ]);
    expect(await hitMany(faultPoints, "git.commit.created", 2)).toEqual([
      "ok",
      "crash@git.commit.created",
    ]);
    expect(await hitMany(faultPoints, "git.push.completed", 2)).toEqual([
      "crash@git.push.completed",
      "ok",
    ]);
    faultPoints.reset();
    expect(await hitMany(faultPoints, "git.commit.created", 2)).toEqual([
      "ok",
      "crash@git.commit.created",
    ]);
    expect(await hitMany(faultPoints, "git.push.completed", 1)).toEqual([
      "crash@git.push.completed",
    ]);
  });
});

describe("createSeededFaultPoints: validation", () => {
  const random = createSeed(1).stream("fault-points");
  const journal = createFaultJournal(createVirtualClock());
  const refuse = (plan: unknown, message: string) =>
    expect(() => createSeededFaultPoints({ random, journal, plan: plan as FaultRule[] })).toThrow(
      new TypeError(message),
    );

  it("refuses a bad nth, action, delay or point, naming the field", () => {
    refuse(
      [{ point: "a", nth: 0, action: "throw" }],
      "Invalid createSeededFaultPoints options: plan[0].nth: must be a positive integer (1 is the first hit). Please fix the fields named.",
    );
    refuse(
      [
        { point: "a", action: "throw" },
        { point: "b", action: "explode" },
      ],
      'Invalid createSeededFaultPoints options: plan[1].action: must be "throw", "kill" or { delayMs: a finite number >= 0 }. Please fix the fields named.',
    );
    refuse(
      [{ point: "a", action: { delayMs: -1 } }],
      "Invalid createSeededFaultPoints options: plan[0].action.delayMs: Too small: expected number to be >=0. Please fix the fields named.",
    );
    refuse(
      [{ point: "", action: "throw" }],
      "Invalid createSeededFaultPoints options: plan[0].point: must be a non-empty point name. Please fix the fields named.",
    );
    refuse(
      [{ point: "a", action: "throw", probability: 1.5 }],
      "Invalid createSeededFaultPoints options: plan[0].probability: must be <= 1. Please fix the fields named.",
    );
  });

  it("refuses a misspelt field instead of ignoring it", () => {
    refuse(
      [{ point: "a", action: "throw", probabilty: 0.5 }],
      "Invalid createSeededFaultPoints options: plan[0].probabilty: is not a known field. Please fix the fields named.",
    );
  });

  it("refuses a delay rule without a clock", () => {
    refuse(
      [{ point: "a", action: { delayMs: 5 } }],
      "Invalid createSeededFaultPoints options: plan[0].action: a delay needs a clock. Please pass options.clock (the run's virtual clock).",
    );
  });

  it("refuses a random without next()", () => {
    expect(() => createSeededFaultPoints({ random: {} as Random, journal, plan: [] })).toThrow(
      new TypeError(
        'Invalid createSeededFaultPoints options: random: must be a Random with next(), such as seed.stream("fault-points"). Please fix the fields named.',
      ),
    );
  });

  it("refuses a bad runtime rule in use()", () => {
    const faultPoints = createSeededFaultPoints({ random, journal, plan: [] });
    expect(() => faultPoints.use({ point: "a", action: "throw", nth: 1.5 })).toThrow(
      new TypeError(
        "Invalid use(...rules): [0].nth: Invalid input: expected int, received number. Please fix the fields named.",
      ),
    );
  });
});

describe("createSeededFaultPoints: kill", () => {
  const script = fileURLToPath(new URL("./fixtures/kill-at-point.ts", import.meta.url));
  const packageDir = fileURLToPath(new URL("../..", import.meta.url));

  const runChild = (args: string[]) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[] }>(
      (resolve, reject) => {
        const child = spawn(
          process.execPath,
          ["--import", "tsx", "--conditions=@workflowmaster/source", script, ...args],
          { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          stdout += chunk;
        });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
          stderr += chunk;
        });
        child.on("error", reject);
        child.on("close", (code, signal) => {
          if (stderr !== "") {
            reject(new Error(`The child wrote to stderr: ${stderr}`));
            return;
          }
          resolve({ code, signal, lines: stdout.split("\n").filter((line) => line !== "") });
        });
      },
    );

  it("SIGKILLs the child process on the n-th hit, after journaling the kill", async () => {
    const result = await runChild(["42", "git.push.completed", "3"]);
    expect(result.signal).toBe("SIGKILL");
    expect(result.code).toBe(null);
    expect(result.lines.length).toBe(3);
    expect(result.lines.slice(0, 2)).toEqual(["passed 1", "passed 2"]);
    expect(result.lines[2]?.startsWith("fault ")).toBe(true);
    expect(JSON.parse(result.lines[2]?.slice("fault ".length) ?? "")).toEqual({
      seq: 1,
      at: "2026-01-01T00:00:00.000Z",
      layer: "engine",
      fault: "kill",
      target: "git.push.completed",
      outcome: "killed",
      detail: { by: "plan[0]", hit: 3, phase: "push", runId: "r-kill" },
    });
  });

  it("lets the child finish normally when the n-th hit never comes", async () => {
    const result = await runChild(["42", "git.push.completed", "9"]);
    expect(result).toEqual({
      code: 0,
      signal: null,
      lines: ["passed 1", "passed 2", "passed 3", "passed 4", "passed 5", "finished"],
    });
  });
});
