import { afterEach, describe, expect, it } from "vitest";
import { err, isWorkflowMasterError } from "../errors/index.js";
import type { FaultPoints } from "../ports/index.js";
import { FaultPoint } from "../ports/index.js";
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
  treeContents,
} from "./fixtures/helpers.js";
import type { Phase, Workflow } from "./phase.js";
import { defineWorkflow } from "./phase.js";

type Input = { title: string };
type TestPhase = Phase<Input, unknown>;
const input = { title: "Add greeting" };

const dirs: Awaited<ReturnType<typeof tempDir>>[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => dir.cleanup()));
});

async function setup() {
  const tmp = await tempDir();
  dirs.push(tmp);
  const lives = processLives();
  const sink = memorySink();
  const engineFor = (faultPoints?: FaultPoints) =>
    createEngine({
      ports: testPorts({
        spawner: lives.next(),
        ...(faultPoints === undefined ? {} : { faultPoints }),
      }),
      root: tmp.root,
      sinks: [sink],
    });
  return { tmp, sink, engineFor };
}

/** A world of created things; each phase creates one and its compensation removes it. */
function world() {
  const things = new Map<string, string>();
  const undone: string[] = [];
  const phase = (name: string, extra: Partial<TestPhase> = {}): TestPhase => ({
    name,
    async run(ctx) {
      things.set(ctx.idempotencyKey, name);
      return { id: ctx.idempotencyKey };
    },
    async reconcile(ctx) {
      return things.has(ctx.idempotencyKey)
        ? { found: true, value: { id: ctx.idempotencyKey } }
        : { found: false };
    },
    async compensate(_ctx, value) {
      undone.push(name);
      things.delete((value as { id: string }).id);
    },
    ...extra,
  });
  return { things, undone, phase };
}

/** Three effects, then a phase that cannot start: the run pauses. */
function pausedWorkflow(w: ReturnType<typeof world>, extra: Partial<TestPhase> = {}) {
  return defineWorkflow<Input>({
    name: "test",
    phases: [
      w.phase("issue"),
      w.phase("branch", extra),
      w.phase("push"),
      {
        name: "pr",
        sideEffect: false,
        precondition: async () => err("no token"),
        run: async () => 0,
      },
    ],
  });
}

describe("rollback runs compensations newest first", () => {
  it("undoes every applied effect in reverse order, recording each", async () => {
    const { engineFor, sink } = await setup();
    const w = world();
    const wf = pausedWorkflow(w);
    expect((await engineFor().start(wf, { runId: "r1", input })).state).toBe("paused");
    expect(w.things.size).toBe(3);

    const outcome = await engineFor().rollback(wf, "r1");
    expect(w.undone).toEqual(["push", "branch", "issue"]);
    expect(w.things.size).toBe(0);
    expect(outcome.state).toBe("rolled-back");
    expect(outcome.compensated).toEqual(["push", "branch", "issue"]);
    expect(outcome.incomplete).toEqual([]);
    expect(outcome.error).toBeUndefined();
    expect(exitCodeFor(outcome)).toBe(0);
    expect(outcome.snapshot.phases.map((phase) => phase.status)).toEqual([
      "compensated",
      "compensated",
      "compensated",
      "failed",
    ]);
    expect(sink.of("phase.compensated").map(({ phase, ok }) => [phase, ok])).toEqual([
      ["push", true],
      ["branch", true],
      ["issue", true],
    ]);
    expect(sink.of("run.rolled-back")).toEqual([
      { type: "run.rolled-back", runId: "r1", incomplete: [] },
    ]);
    // The journal says so too: a fresh status read shows the same.
    expect(await engineFor().status("r1")).toEqual(outcome.snapshot);
  });

  it("keeps going past a failed compensation and reports what is left", async () => {
    const { engineFor } = await setup();
    const w = world();
    const wf = pausedWorkflow(w, {
      retry: { maxAttempts: 1 },
      async compensate() {
        throw new TypeError("branch.delete is not a function");
      },
    });
    await engineFor().start(wf, { runId: "r1", input });
    const outcome = await engineFor().rollback(wf, "r1");
    expect(w.undone).toEqual(["push", "issue"]);
    expect(outcome.state).toBe("rolled-back");
    expect(outcome.compensated).toEqual(["push", "issue"]);
    expect(outcome.incomplete).toEqual(["branch"]);
    expect(outcome.error?.code).toBe("WFM-ROLLBACK-INCOMPLETE");
    expect(outcome.error?.message).toBe("Rollback of run r1 could not undo `branch`.");
    expect(outcome.error?.command).toBe("workflowmaster rollback r1 --dry-run");
    expect(exitCodeFor(outcome)).toBe(1);
    expect(outcome.snapshot.phases[1]).toMatchObject({
      status: "completed",
      effect: "applied",
      compensationError: { code: "WFM-INTERNAL" },
    });
    expect(outcome.snapshot.incomplete).toEqual(["branch"]);
    expect(outcome.snapshot.lastError?.code).toBe("WFM-ROLLBACK-INCOMPLETE");
  });

  it("leaves pure phases alone and keeps effects that declare no compensation", async () => {
    const { engineFor } = await setup();
    const w = world();
    const wf = pausedWorkflow(w, { compensate: undefined });
    await engineFor().start(wf, { runId: "r1", input });
    const outcome = await engineFor().rollback(wf, "r1");
    expect(w.undone).toEqual(["push", "issue"]);
    expect(outcome.kept).toEqual(["branch"]);
    expect(outcome.incomplete).toEqual([]);
    expect(outcome.plan).toEqual([
      { phase: "push", action: "compensate" },
      { phase: "branch", action: "keep" },
      { phase: "issue", action: "compensate" },
    ]);
  });
});

describe("rollback --dry-run", () => {
  it("lists what would be compensated and writes nothing", async () => {
    const { engineFor, tmp } = await setup();
    const w = world();
    const wf = pausedWorkflow(w);
    await engineFor().start(wf, { runId: "r1", input });
    const before = await treeContents(tmp.dir);

    const outcome = await engineFor().rollback(wf, "r1", { dryRun: true });
    expect(outcome.dryRun).toBe(true);
    expect(outcome.state).toBe("paused");
    expect(outcome.plan).toEqual([
      { phase: "push", action: "compensate" },
      { phase: "branch", action: "compensate" },
      { phase: "issue", action: "compensate" },
    ]);
    expect(outcome.compensated).toEqual([]);
    expect(w.undone).toEqual([]);
    expect(await treeContents(tmp.dir)).toEqual(before);
  });
});

describe("rollback after a crash", () => {
  it("does not rerun a compensation already recorded ok when a crashed rollback is run again", async () => {
    const { engineFor } = await setup();
    const w = world();
    const wf = pausedWorkflow(w);
    await engineFor().start(wf, { runId: "r1", input });
    const crash = await rejection(
      engineFor(crashAt(FaultPoint.PhaseCompensated, "branch")).rollback(wf, "r1"),
    );
    expect(crash).toBeInstanceOf(CrashSentinel);
    expect(w.undone).toEqual(["push", "branch"]);
    const resumeError = await rejection(engineFor().resume(wf, "r1"));
    expect(isWorkflowMasterError(resumeError) && resumeError.code).toBe("WFM-RUN-ROLLING-BACK");

    const outcome = await engineFor().rollback(wf, "r1");
    // push was recorded; branch ran but was not recorded, so it runs again
    // (compensations tolerate that); issue runs once.
    expect(w.undone).toEqual(["push", "branch", "branch", "issue"]);
    expect(outcome.state).toBe("rolled-back");
    expect(outcome.compensated).toEqual(["branch", "issue"]);
  });

  it("looks up an effect caught between intent and result, and undoes it only if found", async () => {
    const found = await setup();
    const w1 = world();
    const wf1 = pausedWorkflow(w1);
    await rejection(
      found
        .engineFor(crashAt(FaultPoint.PhaseEffectApplied, "branch"))
        .start(wf1, { runId: "r1", input }),
    );
    expect([...w1.things.values()]).toEqual(["issue", "branch"]);
    const plan = await found.engineFor().rollback(wf1, "r1", { dryRun: true });
    expect(plan.plan).toEqual([
      { phase: "branch", action: "reconcile-then-compensate" },
      { phase: "issue", action: "compensate" },
    ]);
    const outcome1 = await found.engineFor().rollback(wf1, "r1");
    expect(w1.undone).toEqual(["branch", "issue"]);
    expect(w1.things.size).toBe(0);
    expect(outcome1.snapshot.phases[1]?.status).toBe("compensated");
    expect(found.sink.of("phase.reconciled")).toEqual([
      { type: "phase.reconciled", runId: "r1", phase: "branch", found: true },
    ]);

    const missing = await setup();
    const w2 = world();
    const wf2 = pausedWorkflow(w2);
    await rejection(
      missing
        .engineFor(crashAt(FaultPoint.PhaseIntentRecorded, "branch"))
        .start(wf2, { runId: "r1", input }),
    );
    const outcome2 = await missing.engineFor().rollback(wf2, "r1");
    expect(w2.undone).toEqual(["issue"]);
    expect(outcome2.compensated).toEqual(["issue"]);
    expect(outcome2.snapshot.phases[1]).toMatchObject({ status: "intent", effect: "none" });
  });
});

describe("which runs may be rolled back", () => {
  it("rolls back a failed run, but not a completed or rolled-back one", async () => {
    const { engineFor } = await setup();
    const w = world();
    const failing: Workflow<Input> = defineWorkflow({
      name: "test",
      phases: [
        w.phase("issue"),
        w.phase("bug", {
          async run() {
            throw new TypeError("x is not a function");
          },
        }),
      ],
    });
    expect((await engineFor().start(failing, { runId: "r1", input })).state).toBe("failed");
    const rolled = await engineFor().rollback(failing, "r1");
    expect(rolled.state).toBe("rolled-back");
    expect(w.undone).toEqual(["issue"]);
    const again = await rejection(engineFor().rollback(failing, "r1"));
    expect(isWorkflowMasterError(again) && again.code).toBe("WFM-RUN-TERMINAL");
    const resumed = await rejection(engineFor().resume(failing, "r1"));
    expect(isWorkflowMasterError(resumed) && resumed.code).toBe("WFM-RUN-TERMINAL");

    const done: Workflow<Input> = defineWorkflow({ name: "test", phases: [w.phase("issue")] });
    expect((await engineFor().start(done, { runId: "r2", input })).state).toBe("completed");
    const refused = await rejection(engineFor().rollback(done, "r2"));
    expect(isWorkflowMasterError(refused) && refused.message).toBe(
      "Run r2 already ended `completed`; it cannot be rolled back.",
    );
  });
});
