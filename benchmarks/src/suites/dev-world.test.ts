import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineWorkflow,
  err,
  nodeFileSystem,
  nodePorts,
  ok,
  type PhaseContext,
  type Workflow,
} from "@workflowmaster/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  countingFileSystem,
  delayedSpawner,
  type PhaseCosts,
  partTotal,
  runPhasesBare,
  timedWorkflow,
  zeroCounts,
} from "./dev-world.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-bench-count-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("countingFileSystem", () => {
  it("counts fsyncs, directory fsyncs, exclusive creates, renames and event-log writes", async () => {
    const counts = zeroCounts();
    const fs = countingFileSystem(nodeFileSystem, counts);
    const handle = await fs.open(join(dir, "snapshot.tmp"), "wx");
    await handle.write(new TextEncoder().encode("{}"));
    await handle.sync();
    await handle.close();
    await fs.rename(join(dir, "snapshot.tmp"), join(dir, "snapshot.json"));
    await fs.syncDirectory(dir);
    const events = await fs.open(join(dir, "events.ndjson"), "a");
    await events.write(new TextEncoder().encode("{}\n"));
    await events.write(new TextEncoder().encode("{}\n"));
    await events.close();
    expect({ ...counts, syncMs: 0 }).toEqual({
      ...zeroCounts(),
      fileSyncs: 1,
      directorySyncs: 1,
      exclusiveCreates: 1,
      renames: 1,
      eventWrites: 2,
    });
  });
});

describe("delayedSpawner", () => {
  it("runs every command, counting processes and the pushes it delays", async () => {
    const counts = zeroCounts();
    const spawner = delayedSpawner(counts);
    const version = await spawner.run("git", ["--version"], { cwd: dir });
    const push = await spawner.run("git", ["push", "--quiet", "nowhere", "HEAD"], { cwd: dir });
    expect(version.exitCode).toBe(0);
    expect(push.exitCode).toBe(128);
    expect([counts.spawned, counts.pushes]).toEqual([2, 1]);
  });
});

/**
 * Two phases that record every call and stand in for the traffic the dev
 * phases cause (`first.run` starts a process, its postcondition makes two
 * GitHub requests); `second` reads `first`'s value, as the dev phases do.
 */
function recordingWorkflow(calls: string[], counts = zeroCounts()): Workflow<{ title: string }> {
  return defineWorkflow<{ title: string }>({
    name: "recording",
    phases: [
      {
        name: "first",
        async precondition() {
          calls.push("first.precondition");
          return ok(undefined);
        },
        async run(ctx) {
          calls.push(`first.run ${ctx.runId} ${ctx.attempt} ${ctx.idempotencyKey}`);
          counts.spawned += 1;
          return { seeded: ctx.results.seed, title: ctx.input.title };
        },
        async postcondition() {
          calls.push("first.postcondition");
          counts.githubRequests += 2;
          return ok(undefined);
        },
      },
      {
        name: "second",
        async run(ctx) {
          calls.push(`second.run ${JSON.stringify(ctx.results.first)}`);
          return 2;
        },
      },
    ],
  });
}

const context = (results: Record<string, unknown>): PhaseContext<{ title: string }> => ({
  runId: "r1",
  input: { title: "T" },
  results,
  attempt: 1,
  signal: new AbortController().signal,
  progress: () => undefined,
  ports: nodePorts(),
  idempotencyKey: "r1:first",
});

describe("runPhasesBare", () => {
  it("calls each phase's precondition, run and postcondition in order, with the earlier and the supplied values", async () => {
    const calls: string[] = [];
    const results = await runPhasesBare(recordingWorkflow(calls).phases, {
      runId: "r1",
      input: { title: "T" },
      ports: nodePorts(),
      results: { seed: "s" },
    });
    expect(calls).toEqual([
      "first.precondition",
      "first.run r1 1 r1:first",
      "first.postcondition",
      'second.run {"seeded":"s","title":"T"}',
    ]);
    expect(results).toEqual({ seed: "s", first: { seeded: "s", title: "T" }, second: 2 });
  });

  it("throws, naming the phase, when a postcondition does not hold", async () => {
    const phases = defineWorkflow<{ title: string }>({
      name: "unobserved",
      phases: [
        {
          name: "only",
          run: async () => 1,
          postcondition: async () => err("the effect is not there"),
        },
      ],
    }).phases;
    await expect(
      runPhasesBare(phases, {
        runId: "r1",
        input: { title: "T" },
        ports: nodePorts(),
        results: {},
      }),
    ).rejects.toThrow("phases bare: only's postcondition: the effect is not there");
  });
});

describe("timedWorkflow", () => {
  it("charges each part the requests and processes started inside it, and only those", async () => {
    const calls: string[] = [];
    const counts = zeroCounts();
    const costs: PhaseCosts = new Map();
    const [first, second] = timedWorkflow(recordingWorkflow(calls, counts), counts, costs).phases;
    if (first === undefined || second === undefined) throw new Error("two phases expected");
    expect(await first.precondition?.(context({}))).toEqual(ok(undefined));
    const value = await first.run(context({}));
    counts.githubRequests += 5; // between parts: no part's
    expect(await first.postcondition?.(context({}), value)).toEqual(ok(undefined));
    expect(await second.run(context({ first: value }))).toBe(2);
    expect([second.precondition, second.postcondition]).toEqual([undefined, undefined]);
    expect(calls).toEqual([
      "first.precondition",
      "first.run r1 1 r1:first",
      "first.postcondition",
      'second.run {"title":"T"}',
    ]);
    const traffic = [...costs].map(([phase, parts]) => [
      phase,
      Object.entries(parts).map(([part, cost]) => `${part} ${cost.githubRequests}/${cost.spawned}`),
    ]);
    expect(traffic).toEqual([
      ["first", ["precondition 0/0", "run 0/1", "postcondition 2/0"]],
      ["second", ["precondition 0/0", "run 0/0", "postcondition 0/0"]],
    ]);
    expect(partTotal(costs, "postcondition")).toEqual({
      ms: costs.get("first")?.postcondition.ms,
      githubRequests: 2,
      spawned: 0,
    });
    expect(partTotal(costs, "run", (phase) => phase === "second").spawned).toBe(0);
  });
});
