import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_POINTS } from "../../ports/index.js";
import { createE2eWorld, type E2eWorld } from "./fixtures/e2e-world.js";
import { branchOf, inParallel, killAndResume, runArgs } from "./fixtures/kill-and-resume.js";
import { verifyRun } from "./fixtures/verify-run.js";

/**
 * SIGKILL at every fault point a development run reaches, through the CLI
 * as a real child process (`WORKFLOWMASTER_FAULT_POINT=<point>@<n>`, read
 * by the CLI's test-only fault points under NODE_ENV=test), each followed
 * by `resume`. A traced clean run says which points are reached and how
 * often; every point is killed at its first hit, the engine's per-phase
 * points at every hit (every phase between intent and effect, effect and
 * result, result and checkpoint), and the journal points also at their
 * last hit. Every run must then complete with exactly one issue, one pull
 * request and the change applied once.
 */
const WORKERS = 3;

let worlds: E2eWorld[] = [];
beforeAll(async () => {
  worlds = await Promise.all(
    Array.from({ length: WORKERS }, () => createE2eWorld("wfm-kill-points-")),
  );
}, 60_000);
afterAll(async () => {
  await Promise.all(worlds.map((world) => world.close()));
});

describe("SIGKILL at every fault point, then resume", () => {
  it("completes every run with exactly one issue, one pull request and the change applied once", async () => {
    const [tracer] = worlds;
    if (tracer === undefined) throw new Error("no world");
    const trace = join(tracer.root, "trace.txt");
    const traced = await tracer.cli(runArgs("trace"), {
      cwd: await tracer.clone("trace"),
      env: { WORKFLOWMASTER_FAULT_TRACE: trace },
    });
    expect(traced.code).toBe(0);
    const counts = new Map<string, number>();
    for (const point of (await readFile(trace, "utf8")).trim().split("\n")) {
      counts.set(point, (counts.get(point) ?? 0) + 1);
    }
    // Every point but rollback's compensation is on a run's path.
    expect([...counts.keys()].sort()).toEqual(
      FAULT_POINTS.filter((point) => point !== "engine.phase.compensated").sort(),
    );

    const cases: { point: string; hit: number }[] = [];
    for (const [point, count] of counts) {
      const hits = point.startsWith("engine.phase.")
        ? Array.from({ length: count }, (_, index) => index + 1)
        : point.startsWith("state.journal.")
          ? [...new Set([1, count])]
          : [1];
      for (const hit of hits) cases.push({ point, hit });
    }

    const outcomes = await inParallel(cases, worlds, async (world, kase, index) => {
      const runId = `p${index}`;
      const dir = await world.clone(runId);
      const outcome = await killAndResume(world, dir, {
        runId,
        kill: { point: `${kase.point}@${kase.hit}` },
      });
      const evidence = await verifyRun(world, runId, branchOf(runId));
      return { ...kase, runId, outcome, evidence };
    });

    const killed = outcomes.filter((entry) => entry.outcome.killed).length;
    const completed = outcomes.filter((entry) => entry.outcome.final.code === 0).length;
    const duplicates = outcomes.reduce(
      (sum, entry) =>
        sum +
        Math.max(0, entry.evidence.issues - 1) +
        Math.max(0, entry.evidence.pulls - 1) +
        Math.max(0, entry.evidence.changeLines - 1),
      0,
    );
    console.log(
      `kill at fault points: ${cases.length} cases, ${killed} kills, ${completed} completions, ${duplicates} duplicates`,
    );
    for (const entry of outcomes) {
      expect({ case: `${entry.point}@${entry.hit}`, killed: entry.outcome.killed }).toEqual({
        case: `${entry.point}@${entry.hit}`,
        killed: true,
      });
      expect(
        {
          case: `${entry.point}@${entry.hit}`,
          code: entry.outcome.final.code,
          problems: entry.evidence.problems,
        },
        entry.outcome.transcript,
      ).toEqual({
        case: `${entry.point}@${entry.hit}`,
        code: 0,
        problems: [],
      });
    }
    expect(killed).toBe(cases.length);
    expect(completed).toBe(cases.length);
    expect(duplicates).toBe(0);
  }, 240_000);
});
