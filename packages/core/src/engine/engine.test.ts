import { appendFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { WorkflowMasterError } from "../errors/index.js";
import { classify, err, isWorkflowMasterError, ok, wfmError } from "../errors/index.js";
import { readEvents } from "../monitor/event-log.js";
import type { EventSink } from "../monitor/events.js";
import type { FaultPoints, VirtualClock } from "../ports/index.js";
import { createVirtualClock, FaultPoint, nodeFileSystem, nodePorts } from "../ports/index.js";
import type { RunStore } from "../state/index.js";
import { createRunStore, openRunStore } from "../state/index.js";
import type { EngineOptions } from "./engine.js";
import { createEngine } from "./engine.js";
import { exitCodeFor } from "./exit-code.js";
import {
  CrashSentinel,
  crashAt,
  memorySink,
  processLives,
  rejection,
  tempDir,
  testPorts,
} from "./fixtures/helpers.js";
import type { Phase, Workflow } from "./phase.js";
import { defineWorkflow } from "./phase.js";

type Input = { title: string };
type TestPhase = Phase<Input, unknown>;

const dirs: Awaited<ReturnType<typeof tempDir>>[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => dir.cleanup()));
});

/** A temp repository root, one sink and one clock shared by every engine made from it. */
async function setup(options: Omit<EngineOptions, "ports" | "root" | "sinks"> = {}) {
  const tmp = await tempDir();
  dirs.push(tmp);
  const lives = processLives();
  const sink = memorySink();
  const clock: VirtualClock = createVirtualClock();
  const engineFor = (faultPoints?: FaultPoints, sinks: EventSink[] = [sink]) =>
    createEngine({
      ports: testPorts({
        clock,
        spawner: lives.next(),
        ...(faultPoints === undefined ? {} : { faultPoints }),
      }),
      root: tmp.root,
      sinks,
      ...options,
    });
  return { tmp, sink, clock, lives, engine: engineFor(), engineFor };
}

function workflow(...phases: TestPhase[]): Workflow<Input> {
  return defineWorkflow({ name: "test", phases });
}

/** A pure phase that logs its runs and returns `<name>-value`. */
function pure(name: string, log: string[], extra: Partial<TestPhase> = {}): TestPhase {
  return {
    name,
    sideEffect: false,
    async run() {
      log.push(name);
      return `${name}-value`;
    },
    ...extra,
  };
}

/** A side-effecting phase over an in-memory "world" keyed by idempotency key. */
function effect(name: string, world: Map<string, number>, extra: Partial<TestPhase> = {}) {
  const calls = { run: 0, reconcile: 0 };
  const phase: TestPhase = {
    name,
    async run(ctx) {
      calls.run += 1;
      world.set(ctx.idempotencyKey, (world.get(ctx.idempotencyKey) ?? 0) + 1);
      return { key: ctx.idempotencyKey };
    },
    async reconcile(ctx) {
      calls.reconcile += 1;
      return world.has(ctx.idempotencyKey)
        ? { found: true, value: { key: ctx.idempotencyKey, reconciled: true } }
        : { found: false };
    },
    ...extra,
  };
  return { phase, calls };
}

function econnreset(): Error {
  return Object.assign(new Error("read ECONNRESET"), {
    code: "ECONNRESET",
    errno: -104,
    syscall: "read",
  });
}

function code(error: unknown): string | undefined {
  return isWorkflowMasterError(error) ? error.code : undefined;
}

const input = { title: "Add greeting" };

describe("phases run in order", () => {
  it("runs every phase once, in order, passing earlier values along", async () => {
    const { engine, sink } = await setup();
    const log: string[] = [];
    const seen: unknown[] = [];
    const outcome = await engine.start(
      workflow(
        pure("a", log),
        pure("b", log),
        pure("c", log, {
          async run(ctx) {
            log.push("c");
            seen.push({ ...ctx.results }, ctx.input, ctx.idempotencyKey, ctx.attempt, ctx.runId);
            return 3;
          },
        }),
      ),
      { runId: "r1", input },
    );
    expect(log).toEqual(["a", "b", "c"]);
    expect(seen).toEqual([{ a: "a-value", b: "b-value" }, input, "r1:c", 1, "r1"]);
    expect(outcome.state).toBe("completed");
    expect(outcome.error).toBeUndefined();
    expect(outcome.partial).toBe(false);
    expect(outcome.warnings).toEqual([]);
    expect(exitCodeFor(outcome)).toBe(0);
    expect(outcome.snapshot.phases.map((phase) => [phase.name, phase.status, phase.value])).toEqual(
      [
        ["a", "completed", "a-value"],
        ["b", "completed", "b-value"],
        ["c", "completed", 3],
      ],
    );
    expect(sink.types()).toEqual([
      "run.started",
      ...["a", "b", "c"].flatMap(() => ["phase.started", "phase.completed"]),
      "run.completed",
    ]);
  });

  it("reports the same snapshot through status as the outcome", async () => {
    const { engine } = await setup();
    const outcome = await engine.start(workflow(pure("a", [])), { runId: "r1", input });
    expect(await engine.status("r1")).toEqual(outcome.snapshot);
  });

  it("refuses to start a run id twice with WFM-RUN-EXISTS", async () => {
    const { engine } = await setup();
    const log: string[] = [];
    await engine.start(workflow(pure("a", log)), { runId: "r1", input });
    const error = await rejection(engine.start(workflow(pure("a", log)), { runId: "r1", input }));
    expect(code(error)).toBe("WFM-RUN-EXISTS");
    expect(log).toEqual(["a"]);
  });

  it("snapshots once at the end of a run's turn by default, and after every phase with snapshotEvery 1", async () => {
    const rare = await setup();
    await rare.engine.start(workflow(pure("a", []), pure("b", [])), { runId: "r1", input });
    expect(rare.sink.of("phase.checkpointed")).toEqual([]);
    const snapshots = await readdir(join(rare.tmp.root, "runs", "r1", "snapshots"));
    expect(snapshots.filter((name) => name.endsWith(".json"))).toEqual([
      "snapshot-000000000006.json",
    ]);

    const every = await setup({ snapshotEvery: 1 });
    await every.engine.start(workflow(pure("a", []), pure("b", [])), { runId: "r1", input });
    expect(every.sink.of("phase.checkpointed").map(({ phase, seq }) => [phase, seq])).toEqual([
      ["a", 3],
      ["b", 5],
    ]);
  });
});

describe("postconditions are observed, not assumed", () => {
  it("pauses with WFM-PHASE-POSTCONDITION when the effect is not observed, then reconciles on resume", async () => {
    const { engine, engineFor, sink } = await setup();
    const world = new Map<string, number>();
    const issue = effect("issue", world, {
      postcondition: async () => err("issue #7 could not be fetched back by number"),
    });
    const paused = await engine.start(workflow(issue.phase), { runId: "r1", input });
    expect(paused.state).toBe("paused");
    expect(exitCodeFor(paused)).toBe(3);
    expect(paused.error?.code).toBe("WFM-PHASE-POSTCONDITION");
    expect(paused.error?.kind).toBe("partial");
    expect(paused.error?.message).toBe(
      "Phase `issue` reported success, but issue #7 could not be fetched back by number.",
    );
    expect(paused.error?.command).toBe("workflowmaster resume r1");
    expect(paused.snapshot.phases[0]).toMatchObject({
      status: "failed",
      effect: "unknown",
      attempts: 1,
    });
    expect(paused.snapshot.lastError?.code).toBe("WFM-PHASE-POSTCONDITION");

    const resumed = await engineFor().resume(workflow(issue.phase), "r1");
    expect(resumed.state).toBe("completed");
    expect(issue.calls.run).toBe(1);
    expect(world.get("r1:issue")).toBe(1);
    expect(resumed.snapshot.phases[0]?.value).toEqual({ key: "r1:issue", reconciled: true });
    expect(sink.of("phase.reconciled")).toEqual([
      { type: "phase.reconciled", runId: "r1", phase: "issue", found: true },
    ]);
  });
});

describe("optional phases", () => {
  it("degrades a failing optional phase with its reason, continues, and says the success is partial", async () => {
    const { engine, sink } = await setup();
    const log: string[] = [];
    const outcome = await engine.start(
      workflow(
        pure("a", log),
        pure("label", log, {
          optional: true,
          async run() {
            throw new TypeError("labels is not iterable");
          },
        }),
        pure("c", log),
      ),
      { runId: "r1", input },
    );
    expect(outcome.state).toBe("completed");
    expect(outcome.partial).toBe(true);
    expect(exitCodeFor(outcome)).toBe(0);
    expect(log).toEqual(["a", "c"]);
    const label = outcome.snapshot.phases[1];
    expect(label?.status).toBe("degraded");
    expect(label?.error?.code).toBe("WFM-INTERNAL");
    expect(label?.reason).toBe(label?.error?.message);
    expect(sink.of("phase.degraded")).toEqual([
      { type: "phase.degraded", runId: "r1", phase: "label", reason: label?.reason },
    ]);
  });

  it("skips an optional phase whose precondition says it cannot start", async () => {
    const { engine, sink } = await setup();
    const log: string[] = [];
    const outcome = await engine.start(
      workflow(
        pure("comment", log, {
          optional: true,
          precondition: async () => err("no issue to comment on"),
        }),
        pure("c", log),
      ),
      { runId: "r1", input },
    );
    expect(outcome.state).toBe("completed");
    expect(outcome.partial).toBe(true);
    expect(log).toEqual(["c"]);
    expect(outcome.snapshot.phases[0]).toEqual({
      name: "comment",
      status: "skipped",
      attempts: 0,
      effect: "none",
      reason: "no issue to comment on",
    });
    expect(sink.of("phase.skipped")).toHaveLength(1);
  });
});

describe("the failure rule for required phases", () => {
  it("fails the run on a permanent, non-pausable error (a bug), never retrying it", async () => {
    const { engine, engineFor, sink } = await setup();
    let runs = 0;
    const broken = pure("a", [], {
      async run() {
        runs += 1;
        throw new TypeError("Cannot read properties of undefined (reading 'number')");
      },
    });
    const outcome = await engine.start(workflow(broken), { runId: "r1", input });
    expect(outcome.state).toBe("failed");
    expect(exitCodeFor(outcome)).toBe(1);
    expect(runs).toBe(1);
    expect(outcome.error?.code).toBe("WFM-INTERNAL");
    expect(outcome.error?.guidance).not.toBe("");
    expect(outcome.error?.command).toBe("workflowmaster events r1");
    expect(outcome.snapshot.lastError?.code).toBe("WFM-INTERNAL");
    expect(sink.types().slice(-2)).toEqual(["phase.failed", "run.failed"]);

    const again = await rejection(engineFor().resume(workflow(broken), "r1"));
    expect(code(again)).toBe("WFM-RUN-TERMINAL");
    expect((again as WorkflowMasterError).message).toBe(
      "Run r1 already ended `failed`; it cannot be resumed.",
    );
    expect(runs).toBe(1);
  });

  it("pauses on a pausable permanent error (a failed precondition) and continues once it is fixed", async () => {
    const { engine, engineFor } = await setup();
    let clean = false;
    const log: string[] = [];
    const preflight = pure("preflight", log, {
      precondition: async () => (clean ? ok(undefined) : err("the working tree has changes")),
    });
    const paused = await engine.start(workflow(preflight), { runId: "r1", input });
    expect(paused.state).toBe("paused");
    expect(exitCodeFor(paused)).toBe(3);
    expect(paused.error?.code).toBe("WFM-PHASE-PRECONDITION");
    expect(paused.error?.guidance).toBe(
      "Phase `preflight` of run r1 cannot start: the working tree has changes. Fix that, then resume.",
    );
    expect(log).toEqual([]);
    clean = true;
    const resumed = await engineFor().resume(workflow(preflight), "r1");
    expect(resumed.state).toBe("completed");
    expect(log).toEqual(["preflight"]);
  });

  it("pauses when transient failures exhaust the retry policy", async () => {
    const { engine } = await setup();
    let runs = 0;
    const flaky = pure("a", [], {
      retry: { maxAttempts: 3 },
      async run() {
        runs += 1;
        throw econnreset();
      },
    });
    const outcome = await engine.start(workflow(flaky), { runId: "r1", input });
    expect(outcome.state).toBe("paused");
    expect(exitCodeFor(outcome)).toBe(3);
    expect(outcome.error?.code).toBe("WFM-RETRY-EXHAUSTED");
    expect(runs).toBe(3);
    expect(outcome.snapshot.phases[0]).toMatchObject({ status: "failed", attempts: 3 });
  });

  it("pauses before a phase when the resource check reports a problem, writing no intent", async () => {
    const calls: [string, string][] = [];
    const { engine, tmp } = await setup({
      resourceCheck: async (phase, runDir) => {
        calls.push([phase, runDir]);
        return phase === "b"
          ? wfmError("WFM-DISK-LOW", { context: { runId: "r1", path: runDir, detail: "12 MiB" } })
          : undefined;
      },
    });
    const log: string[] = [];
    const outcome = await engine.start(workflow(pure("a", log), pure("b", log)), {
      runId: "r1",
      input,
    });
    const runDir = join(tmp.root, "runs", "r1");
    expect(calls).toEqual([
      ["a", runDir],
      ["b", runDir],
    ]);
    expect(outcome.state).toBe("paused");
    expect(exitCodeFor(outcome)).toBe(3);
    expect(outcome.error?.code).toBe("WFM-DISK-LOW");
    expect(outcome.error?.kind).toBe("environmental");
    expect(log).toEqual(["a"]);
    expect(outcome.snapshot.phases[1]).toEqual({
      name: "b",
      status: "pending",
      attempts: 0,
      effect: "none",
    });
  });
});

describe("resume", () => {
  it("skips completed phases and continues from the one that paused", async () => {
    const { engine, engineFor, sink } = await setup();
    const log: string[] = [];
    let down = true;
    const b = pure("b", log, {
      retry: { maxAttempts: 2 },
      async run() {
        log.push("b");
        if (down) throw econnreset();
        return "b-value";
      },
    });
    const wf = workflow(pure("a", log), b, pure("c", log));
    const paused = await engine.start(wf, { runId: "r1", input });
    expect(paused.state).toBe("paused");
    down = false;
    const resumed = await engineFor().resume(wf, "r1");
    expect(resumed.state).toBe("completed");
    expect(log).toEqual(["a", "b", "b", "b", "c"]);
    expect(resumed.snapshot.phases.map((phase) => phase.attempts)).toEqual([1, 3, 1]);
    expect(sink.of("run.resumed")).toEqual([
      { type: "run.resumed", runId: "r1", fromState: "paused" },
    ]);
  });

  it("refuses to resume a run with a different workflow", async () => {
    const { engine, engineFor } = await setup();
    await engine.start(
      workflow(pure("a", [], { precondition: async () => err("not yet") }), pure("b", [])),
      { runId: "r1", input },
    );
    const error = await rejection(engineFor().resume(workflow(pure("a", []), pure("x", [])), "r1"));
    expect(code(error)).toBe("WFM-RUN-WORKFLOW-MISMATCH");
    expect((error as WorkflowMasterError).message).toBe(
      "Run r1 was started with workflow `test` (a → b), not `test` (a → x).",
    );
  });

  it("refuses to resume a run that does not exist", async () => {
    const { engine } = await setup();
    expect(code(await rejection(engine.resume(workflow(pure("a", [])), "nope")))).toBe(
      "WFM-RUN-NOT-FOUND",
    );
  });

  it("emits run.recovered when the store repaired a torn journal tail", async () => {
    const { engine, engineFor, sink, tmp } = await setup();
    const wf = workflow(pure("a", [], { precondition: async () => err("not yet") }));
    await engine.start(wf, { runId: "r1", input });
    const torn = '{"seq":99,"at":"2026-';
    await appendFile(join(tmp.root, "runs", "r1", "journal.ndjson"), torn);
    await engineFor().resume(wf, "r1");
    expect(sink.of("run.recovered")).toEqual([
      expect.objectContaining({ type: "run.recovered", runId: "r1", droppedBytes: torn.length }),
    ]);
  });
});

describe("an intent without a result is reconciled before anything is redone", () => {
  it("adopts an effect that landed before the crash and does not redo it", async () => {
    const { engineFor, sink } = await setup();
    const world = new Map<string, number>();
    const a = effect("a", world);
    const b = effect("b", world);
    const wf = workflow(a.phase, b.phase);
    const crash = await rejection(
      engineFor(crashAt(FaultPoint.PhaseEffectApplied, "b")).start(wf, { runId: "r1", input }),
    );
    expect(crash).toBeInstanceOf(CrashSentinel);
    const engine = engineFor();
    expect((await engine.status("r1")).phases[1]).toMatchObject({
      status: "intent",
      effect: "unknown",
    });

    const outcome = await engine.resume(wf, "r1");
    expect(outcome.state).toBe("completed");
    expect([...world]).toEqual([
      ["r1:a", 1],
      ["r1:b", 1],
    ]);
    expect(b.calls).toEqual({ run: 1, reconcile: 1 });
    expect(outcome.snapshot.phases[1]).toMatchObject({
      status: "completed",
      attempts: 1,
      value: { key: "r1:b", reconciled: true },
    });
    expect(sink.of("phase.reconciled")).toEqual([
      { type: "phase.reconciled", runId: "r1", phase: "b", found: true },
    ]);
  });

  it("redoes an effect that a lookup shows never happened", async () => {
    const { engineFor, sink } = await setup();
    const world = new Map<string, number>();
    const b = effect("b", world);
    const wf = workflow(b.phase);
    expect(
      await rejection(
        engineFor(crashAt(FaultPoint.PhaseIntentRecorded, "b")).start(wf, { runId: "r1", input }),
      ),
    ).toBeInstanceOf(CrashSentinel);
    const outcome = await engineFor().resume(wf, "r1");
    expect(outcome.state).toBe("completed");
    expect(world.get("r1:b")).toBe(1);
    expect(b.calls).toEqual({ run: 1, reconcile: 1 });
    expect(outcome.snapshot.phases[0]).toMatchObject({ status: "completed", attempts: 2 });
    expect(sink.of("phase.reconciled")).toEqual([
      { type: "phase.reconciled", runId: "r1", phase: "b", found: false },
    ]);
  });

  it("pauses with WFM-PHASE-UNRECONCILABLE rather than redo a side effect it cannot look up", async () => {
    const { engineFor } = await setup();
    const world = new Map<string, number>();
    const blind = effect("push", world, { reconcile: undefined });
    const wf = workflow(blind.phase);
    await rejection(
      engineFor(crashAt(FaultPoint.PhaseEffectApplied, "push")).start(wf, { runId: "r1", input }),
    );
    const outcome = await engineFor().resume(wf, "r1");
    expect(outcome.state).toBe("paused");
    expect(exitCodeFor(outcome)).toBe(3);
    expect(outcome.error?.code).toBe("WFM-PHASE-UNRECONCILABLE");
    expect(outcome.error?.guidance).toContain("(idempotency key r1:push)");
    expect(outcome.error?.command).toBe("workflowmaster rollback r1 --dry-run");
    expect(world.get("r1:push")).toBe(1);
    expect(blind.calls.run).toBe(1);
  });
});

describe("a crash inside a phase's own fault point", () => {
  it("is a crash, not a phase failure: the run stays resumable and the effect is adopted", async () => {
    const { engineFor } = await setup();
    const world = new Map<string, number>();
    const issue = effect("issue", world, {
      async run(ctx) {
        world.set(ctx.idempotencyKey, 1);
        // What the GitHub adapter does right after creating the issue.
        await ctx.ports.faultPoints.hit(FaultPoint.GithubIssueCreated, {
          runId: ctx.runId,
          phase: "issue",
        });
        return { key: ctx.idempotencyKey };
      },
    });
    const wf = workflow(issue.phase);
    const crash = await rejection(
      engineFor(crashAt(FaultPoint.GithubIssueCreated)).start(wf, { runId: "r1", input }),
    );
    expect(crash).toBeInstanceOf(CrashSentinel);
    const engine = engineFor();
    const status = await engine.status("r1");
    expect(status.state).toBe("running");
    expect(status.phases[0]).toMatchObject({ status: "intent", effect: "unknown" });
    const outcome = await engine.resume(wf, "r1");
    expect(outcome.state).toBe("completed");
    expect(world.get("r1:issue")).toBe(1);
    expect(issue.calls.reconcile).toBe(1);
  });
});

describe("a journal that does not describe a possible run", () => {
  it("is reported as WFM-STATE-CORRUPT, never as a stack trace", async () => {
    const { engine, tmp } = await setup();
    const store = await createRunStore({ ...nodePorts(), root: tmp.root, runId: "r1" });
    await store.append("run.created", {
      runId: "r1",
      workflow: "test",
      phases: ["a"],
      input,
    });
    await store.append("phase.result", { phase: "a", value: 1, reconciled: false });
    await store.close();
    const error = await rejection(engine.status("r1"));
    expect(code(error)).toBe("WFM-STATE-CORRUPT");
    expect((error as WorkflowMasterError).message).toBe(
      "The journal of run r1 does not describe a possible run: TypeError: Illegal run state change: record 2 gives phase `a` a result without an intent.",
    );
    expect(code(await rejection(engine.resume(workflow(pure("a", [])), "r1")))).toBe(
      "WFM-STATE-CORRUPT",
    );
  });
});

describe("retries through the engine, in virtual time", () => {
  it("completes a phase that fails transiently twice, with attempts 3 and phase.retrying events", async () => {
    const { engine, sink, clock } = await setup();
    const world = new Map<string, number>();
    let failures = 2;
    const flaky = effect("issue", world, {
      async run(ctx) {
        if (failures > 0) {
          failures -= 1;
          throw econnreset();
        }
        world.set(ctx.idempotencyKey, 1);
        return { key: ctx.idempotencyKey };
      },
    });
    const outcome = await engine.start(workflow(flaky.phase), { runId: "r1", input });
    expect(outcome.state).toBe("completed");
    expect(outcome.snapshot.phases[0]).toMatchObject({ status: "completed", attempts: 3 });
    const expectedCause = classify(econnreset());
    expect(expectedCause.kind).toBe("transient");
    const retrying = sink.of("phase.retrying");
    expect(retrying.map(({ attempt, cause }) => [attempt, cause.code, cause.kind])).toEqual([
      [1, expectedCause.code, "transient"],
      [2, expectedCause.code, "transient"],
    ]);
    const [first, second] = retrying.map(({ delayMs }) => delayMs);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(1_000);
    expect(second).toBeGreaterThanOrEqual(0);
    expect(second).toBeLessThanOrEqual(2_000);
    expect(clock.elapsed).toBe((first ?? 0) + (second ?? 0));
    // Each re-run was preceded by a lookup that found nothing.
    expect(flaky.calls.reconcile).toBe(2);
    expect(sink.types().filter((type) => type.startsWith("phase."))).toEqual([
      "phase.started",
      "phase.retrying",
      "phase.reconciled",
      "phase.started",
      "phase.retrying",
      "phase.reconciled",
      "phase.started",
      "phase.completed",
    ]);
  });

  it("waits out a one-hour rate limit exactly as the server asked, announcing it, in virtual time", async () => {
    const { engine, sink, clock } = await setup();
    let calls = 0;
    const limited = pure("label", [], {
      target: "github",
      retry: { deadlineMs: 2 * 3_600_000 },
      async run() {
        calls += 1;
        if (calls === 1) {
          throw wfmError("WFM-GITHUB-RATE-LIMITED", {
            context: { runId: "r1" },
            retryAfterMs: 3_600_000,
          });
        }
        return "labelled";
      },
    });
    const startedAt = clock.now();
    const outcome = await engine.start(workflow(limited), { runId: "r1", input });
    expect(outcome.state).toBe("completed");
    expect(clock.elapsed).toBe(3_600_000);
    expect(sink.of("rate-limit.waiting")).toEqual([
      {
        type: "rate-limit.waiting",
        runId: "r1",
        target: "github",
        until: new Date(startedAt + 3_600_000).toISOString(),
        delayMs: 3_600_000,
      },
    ]);
    expect(sink.of("phase.retrying").map(({ delayMs, cause }) => [delayMs, cause.code])).toEqual([
      [3_600_000, "WFM-GITHUB-RATE-LIMITED"],
    ]);
  });

  it("aborts a silent attempt with the inactivity watchdog and retries it", async () => {
    const { engine, sink, clock } = await setup();
    let attempts = 0;
    const implement = pure("implement", [], {
      inactivityMs: 60_000,
      retry: { baseDelayMs: 0 },
      async run(ctx) {
        attempts += 1;
        if (attempts === 1) await ctx.ports.clock.sleep(3_600_000, ctx.signal);
        return "diff";
      },
    });
    const outcome = await engine.start(workflow(implement), { runId: "r1", input });
    expect(outcome.state).toBe("completed");
    expect(attempts).toBe(2);
    expect(sink.of("phase.retrying").map(({ cause, delayMs }) => [cause.code, delayMs])).toEqual([
      ["WFM-PHASE-INACTIVE", 0],
    ]);
    expect(clock.elapsed).toBe(60_000);
  });

  it("times out every attempt of a hung phase, then pauses with retries exhausted", async () => {
    const { engine, clock } = await setup();
    const hung = pure("hung", [], {
      timeoutMs: 30_000,
      retry: { maxAttempts: 2, baseDelayMs: 0 },
      async run(ctx) {
        await ctx.ports.clock.sleep(3_600_000, ctx.signal);
        return "never";
      },
    });
    const outcome = await engine.start(workflow(hung), { runId: "r1", input });
    expect(outcome.state).toBe("paused");
    expect(outcome.error?.code).toBe("WFM-RETRY-EXHAUSTED");
    expect(outcome.error?.message).toContain("last: WFM-PHASE-TIMEOUT");
    expect(clock.elapsed).toBe(60_000);
  });
});

describe("interruption", () => {
  it("stops at a safe point with WFM-INTERRUPTED (exit 130) and resumes to completion", async () => {
    const { engine, engineFor } = await setup();
    const controller = new AbortController();
    const log: string[] = [];
    const b = pure("b", log, {
      async run(ctx) {
        log.push("b");
        // Ctrl-C arrives while the attempt is in progress.
        if (log.filter((name) => name === "b").length === 1) controller.abort();
        await ctx.ports.clock.sleep(1_000, ctx.signal);
        return "b-value";
      },
    });
    const wf = workflow(pure("a", log), b, pure("c", log));
    const outcome = await engine.start(wf, { runId: "r1", input, signal: controller.signal });
    expect(outcome.state).toBe("running");
    expect(outcome.error?.code).toBe("WFM-INTERRUPTED");
    expect(exitCodeFor(outcome)).toBe(130);
    expect(outcome.snapshot.phases.map((phase) => phase.status)).toEqual([
      "completed",
      "intent",
      "pending",
    ]);
    expect((await engineFor().status("r1")).state).toBe("running");
    const resumed = await engineFor().resume(wf, "r1");
    expect(resumed.state).toBe("completed");
    expect(log).toEqual(["a", "b", "b", "c"]);
  });

  it("does not start the next phase once the signal has fired", async () => {
    const base = await setup();
    const controller = new AbortController();
    const interrupter: EventSink = {
      emit(event) {
        if (event.type === "phase.completed" && event.phase === "a") controller.abort();
      },
    };
    const log: string[] = [];
    const outcome = await base
      .engineFor(undefined, [base.sink, interrupter])
      .start(workflow(pure("a", log), pure("b", log)), {
        runId: "r1",
        input,
        signal: controller.signal,
      });
    expect(outcome.error?.code).toBe("WFM-INTERRUPTED");
    expect(log).toEqual(["a"]);
    expect(outcome.snapshot.phases.map((phase) => phase.status)).toEqual(["completed", "pending"]);
  });
});

describe("a run store that refuses writes", () => {
  it("stops writing at once and reports the store's error when another process takes the run over", async () => {
    const { engine, engineFor, lives, tmp } = await setup();
    const thieves: RunStore[] = [];
    const log: string[] = [];
    const taken = pure("a", log, {
      async run() {
        log.push("a");
        // A newer process takes the lock over while this phase runs.
        const opened = await openRunStore({
          ...nodePorts({ spawner: lives.next() }),
          root: tmp.root,
          runId: "r1",
        });
        thieves.push(opened.store);
        return "a-value";
      },
    });
    const wf = workflow(taken, pure("b", log));
    const outcome = await engine.start(wf, { runId: "r1", input });
    expect(outcome.error?.code).toBe("WFM-RUN-FENCED");
    expect(outcome.state).toBe("running");
    expect(exitCodeFor(outcome)).toBe(3);
    expect(log).toEqual(["a"]);
    await Promise.all(thieves.map((store) => store.close()));
    // Nothing after the refused write reached the journal.
    const status = await engineFor().status("r1");
    expect(status.phases.map((phase) => phase.status)).toEqual(["intent", "pending"]);
    expect(status.seq).toBe(outcome.snapshot.seq);
  });
});

describe("event sinks observe, never steer", () => {
  it("completes the run when a sink throws, reporting each failure as a warning", async () => {
    const base = await setup();
    const broken: EventSink = {
      emit(event) {
        if (event.type === "phase.completed") throw new Error("event log is on a full disk");
      },
    };
    const outcome = await base
      .engineFor(undefined, [broken, base.sink])
      .start(workflow(pure("a", []), pure("b", [])), { runId: "r1", input });
    expect(outcome.state).toBe("completed");
    expect(outcome.warnings).toHaveLength(2);
    expect(outcome.warnings.every(isWorkflowMasterError)).toBe(true);
    // The other sink still saw every event.
    expect(base.sink.of("phase.completed")).toHaveLength(2);
  });
});

describe("the run's event log", () => {
  it("writes every event the sinks saw to events.ndjson, in order, with ISO-8601 UTC times", async () => {
    const base = await setup();
    const outcome = await base.engine.start(workflow(pure("a", []), pure("b", [])), {
      runId: "r1",
      input,
    });
    expect(outcome.state).toBe("completed");
    const log = await readEvents({ fs: nodeFileSystem, root: base.tmp.root, runId: "r1" });
    expect(log.tornLines).toBe(0);
    expect(log.events.map((event) => event.type)).toEqual(base.sink.events.map((e) => e.type));
    expect(log.events.map((event) => event.type)).toEqual([
      "run.started",
      "phase.started",
      "phase.completed",
      "phase.started",
      "phase.completed",
      "run.completed",
    ]);
    expect(
      log.events.every((event) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(event.at)),
    ).toBe(true);
  });

  it("writes no events file when the event log is turned off", async () => {
    const base = await setup({ eventLog: false });
    await base.engine.start(workflow(pure("a", [])), { runId: "r1", input });
    const log = await readEvents({ fs: nodeFileSystem, root: base.tmp.root, runId: "r1" });
    expect(log.exists).toBe(false);
  });
});

describe("engine options", () => {
  it("refuses bad options at construction, naming the field", () => {
    expect(() =>
      createEngine({ ports: testPorts(), root: "", snapshotEvery: 1 } as EngineOptions),
    ).toThrow(
      "Invalid engine options: engine options.root must be the path of the .workflowmaster directory.",
    );
    expect(() =>
      createEngine({ ports: testPorts(), root: "/tmp/x", snapshotEvery: 0 } as EngineOptions),
    ).toThrow(/^Invalid engine options: engine options\.snapshotEvery /);
  });
});
