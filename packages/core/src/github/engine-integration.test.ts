import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEngine } from "../engine/engine.js";
import { exitCodeFor } from "../engine/exit-code.js";
import { defineWorkflow, type Phase } from "../engine/phase.js";
import { wfmError } from "../errors/index.js";
import type { FaultPoints } from "../ports/index.js";
import { FaultPoint } from "../ports/index.js";
import {
  CrashSentinel,
  crashAt,
  memorySink,
  processLives,
  tempDir,
  testPorts,
} from "../testing/index.js";
import {
  REPO,
  SERVE_MODES,
  type SimulatedGithub,
  simulatedGithub,
  TEST_TOKEN,
} from "./fixtures/simulated-github.js";
import type { GithubClient } from "./github-client.js";
import { closeIssue } from "./operations/close-issue.js";
import {
  ensureIssue,
  findIssueByMarker,
  type IssueRef,
  observeIssue,
} from "./operations/ensure-issue.js";

let world: SimulatedGithub | undefined;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  const done = world;
  world = undefined;
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  if (done === undefined) return;
  await done.close();
  expect(done.tokenLeaks()).toEqual([]);
});

type Input = { title: string; body: string };

/** The dev workflow's issue phase, built from the adapter's operations. */
function issuePhase(client: GithubClient): Phase<Input, IssueRef> {
  return {
    name: "issue",
    target: "github",
    run: (ctx) =>
      ensureIssue(client, REPO, {
        runId: ctx.runId,
        ...ctx.input,
        signal: ctx.signal,
        faultPoints: ctx.ports.faultPoints,
      }),
    reconcile: async (ctx) => {
      const found = await findIssueByMarker(client, REPO, { runId: ctx.runId, signal: ctx.signal });
      return found === undefined ? { found: false } : { found: true, value: found };
    },
    postcondition: (ctx, value) =>
      observeIssue(client, REPO, { runId: ctx.runId, number: value.number }),
    compensate: async (ctx, value) => {
      await closeIssue(client, REPO, { runId: ctx.runId, number: value.number });
    },
  };
}

async function engineOn(github: SimulatedGithub) {
  const tmp = await tempDir("wfm-github-engine-");
  cleanups.push(tmp.cleanup);
  const sink = memorySink();
  const lives = processLives();
  const client = github.newClient({ emit: (event) => sink.emit(event) });
  const make = (
    points?: FaultPoints,
    phaseClient = client,
    more: Phase<Input, unknown>[] = [],
  ) => ({
    engine: createEngine({
      ports: testPorts({
        clock: github.clock,
        // Each engine is another process: a crashed one leaves a lock a new one may take over.
        spawner: lives.next(),
        ...(points === undefined ? {} : { faultPoints: points }),
      }),
      root: tmp.root,
      sinks: [sink],
    }),
    workflow: defineWorkflow<Input>({ name: "dev", phases: [issuePhase(phaseClient), ...more] }),
  });
  return { tmp, sink, client, make };
}

/** Every file the run wrote, as text, for the token scan. */
async function runFiles(root: string): Promise<string> {
  const texts: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else texts.push(await readFile(path, "utf8"));
    }
  };
  await walk(root);
  return texts.join("\n");
}

const input: Input = { title: "Add a greeting", body: "Say hello." };

describe.each(SERVE_MODES)("the issue phase in the engine (%s)", (mode) => {
  it("pauses the run on 401 with the renew-the-token step, and no token in its state", async () => {
    world = await simulatedGithub({ mode, acceptToken: "another-token" });
    const { make, tmp, sink } = await engineOn(world);
    const { engine, workflow } = make();
    const outcome = await engine.start(workflow, { runId: "r1", input });
    expect(outcome.state).toBe("paused");
    expect(exitCodeFor(outcome)).toBe(3);
    expect(outcome.error?.code).toBe("WFM-GITHUB-BAD-CREDENTIALS");
    expect(outcome.error?.command).toBe('GITHUB_TOKEN="$(gh auth token)" workflowmaster resume r1');
    expect(world.sim.requests()).toHaveLength(1);
    const written = await runFiles(tmp.root);
    expect(written).toContain("WFM-GITHUB-BAD-CREDENTIALS");
    expect(written).not.toContain(TEST_TOKEN);
    expect(JSON.stringify(sink.events)).not.toContain(TEST_TOKEN);
  });

  it("adopts the issue after a crash right after its create, so the run has exactly one", async () => {
    world = await simulatedGithub({ mode });
    const first = await engineOn(world);
    const crashing = first.make(crashAt(FaultPoint.GithubIssueCreated, "issue"));
    const crashed = await crashing.engine.start(crashing.workflow, { runId: "r1", input }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(crashed).toBeInstanceOf(CrashSentinel);

    const { engine, workflow } = first.make(undefined, world.newClient());
    const outcome = await engine.resume(workflow, "r1");
    expect(outcome.state).toBe("completed");
    expect(outcome.snapshot.phases[0]).toMatchObject({
      status: "completed",
      value: { number: 1, origin: "found" },
    });
    expect(world.sim.model.issues("octo/app")).toHaveLength(1);
    expect(world.requestsTo("issues.create")).toHaveLength(1);
  });

  it("waits out a rate limit inside the phase and reports it as progress", async () => {
    world = await simulatedGithub({
      mode,
      faults: [
        {
          endpoint: "issues.create",
          nth: 1,
          fault: { kind: "secondary-rate-limit", retryAfterSeconds: 30 },
        },
      ],
    });
    const { make, sink } = await engineOn(world);
    const { engine, workflow } = make();
    const outcome = await engine.start(workflow, { runId: "r1", input });
    expect(outcome.state).toBe("completed");
    expect(sink.of("rate-limit.waiting")).toEqual([
      {
        type: "rate-limit.waiting",
        runId: "r1",
        target: "github",
        until: "2026-01-01T00:00:30.000Z",
        delayMs: 30_000,
      },
    ]);
    expect(world.sim.model.issues("octo/app")).toHaveLength(1);
  });

  it("pauses the run when the rate-limit wait would pass the adapter's cap", async () => {
    world = await simulatedGithub({
      mode,
      faults: [
        {
          endpoint: "issues.create",
          nth: 1,
          fault: { kind: "primary-rate-limit", resetAfterMs: 7_200_000 },
        },
      ],
    });
    const { make } = await engineOn(world);
    const { engine, workflow } = make();
    const outcome = await engine.start(workflow, { runId: "r1", input });
    expect(outcome.state).toBe("paused");
    expect(exitCodeFor(outcome)).toBe(3);
    // The engine's own retry sees a wait longer than it may sit out and pauses
    // with WFM-RETRY-EXHAUSTED; the adapter's error, with the reset time, is its detail.
    expect(outcome.error?.code).toBe("WFM-RETRY-EXHAUSTED");
    expect(outcome.error?.guidance).toContain("(WFM-GITHUB-RATE-LIMITED: GitHub answered 403");
    expect(outcome.error?.guidance).toContain("resets at 2026-01-01T02:00:00.000Z");
    expect(outcome.error?.command).toBe("workflowmaster resume r1");
    expect(world.sim.model.issues("octo/app")).toHaveLength(0);
  });

  it("rolls a paused run back by closing its issue", async () => {
    world = await simulatedGithub({ mode });
    const { make, client } = await engineOn(world);
    const stuck: Phase<Input, unknown> = {
      name: "pull-request",
      run: async () => {
        throw wfmError("WFM-GITHUB-NO-COMMITS", { context: { runId: "r1" } });
      },
      reconcile: async () => ({ found: false }),
    };
    const { engine, workflow } = make(undefined, client, [stuck]);
    expect((await engine.start(workflow, { runId: "r1", input })).state).toBe("paused");
    const rolled = await engine.rollback(workflow, "r1");
    expect(rolled.state).toBe("rolled-back");
    expect(world.sim.model.issue("octo/app", 1)?.state).toBe("closed");
  });
});
