import { appendFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTempRepository, type TempRepository } from "@workflowmaster/chaos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, defineWorkflow } from "../../engine/index.js";
import { nodePorts } from "../../ports/index.js";
import { stateRoot } from "../../state/index.js";
import { memoryIo } from "../fixtures/memory-io.js";
import { runCli } from "../run-cli.js";

/**
 * doctor's run-store health, in-process: a run that reads cleanly, one
 * with a torn journal tail (repaired now, as `resume` would), one whose
 * state cannot be read (named with its code). The repository's remote is a
 * local path and there is no token: those checks report problems, so
 * doctor exits 1 and says what to do.
 */
let repo: TempRepository;
/** A record cut short by a crash mid-write. */
const TORN_TAIL = '{"seq":99,"at":"2026-';

beforeAll(async () => {
  repo = await createTempRepository({ prefix: "wfm-doctor-" });
  const engine = createEngine({ ports: nodePorts(), root: stateRoot(repo.dir) });
  const workflow = defineWorkflow<{ n: number }>({
    name: "tiny",
    phases: [{ name: "only", sideEffect: false, run: async () => "done" }],
  });
  for (const runId of ["ok1", "torn1", "bad1"]) {
    const outcome = await engine.start(workflow, { runId, input: { n: 1 } });
    expect(outcome.state).toBe("completed");
  }
  const runs = join(stateRoot(repo.dir), "runs");
  await appendFile(join(runs, "torn1", "journal.ndjson"), TORN_TAIL);
  for (const name of await readdir(join(runs, "bad1", "snapshots"))) {
    await writeFile(join(runs, "bad1", "snapshots", name), "not a snapshot");
  }
  await writeFile(join(runs, "bad1", "journal.ndjson"), '{"seq":1}\n{"seq":2}\n');
});
afterAll(async () => {
  await repo.cleanup();
});

describe("doctor", () => {
  it("checks each run's state: ok, recovered now, or damaged with its code", async () => {
    const io = memoryIo({ cwd: repo.dir, env: { PATH: "/nonexistent" } });
    const code = await runCli(["doctor", "--json"], io);
    const report = JSON.parse(io.out()) as {
      healthy: boolean;
      checks: { name: string; status: string; code?: string; command?: string }[];
      runs: { runId: string; health: string; state?: string; code?: string; detail?: string }[];
    };
    expect(code).toBe(1);
    expect(report.healthy).toBe(false);
    expect(
      report.runs.map(({ runId, health, state, code: runCode }) => ({
        runId,
        health,
        state,
        code: runCode,
      })),
    ).toEqual([
      { runId: "bad1", health: "damaged", state: undefined, code: "WFM-STATE-CORRUPT" },
      { runId: "ok1", health: "ok", state: "completed", code: undefined },
      { runId: "torn1", health: "recovered", state: "completed", code: undefined },
    ]);
    expect(report.runs.find((run) => run.runId === "torn1")?.detail).toBe(
      `dropped a torn journal tail of ${TORN_TAIL.length} bytes`,
    );
    const problems = report.checks
      .filter((check) => check.status === "problem")
      .map((check) => [check.name, check.code]);
    expect(problems).toEqual([
      ["github: token", "WFM-GITHUB-TOKEN-MISSING"],
      ["github: repository", "WFM-CLI-REPO-UNKNOWN"],
      ["run bad1", "WFM-STATE-CORRUPT"],
    ]);
    // The repair is real: the next doctor finds the run clean.
    const again = memoryIo({ cwd: repo.dir, env: { PATH: "/nonexistent" } });
    await runCli(["doctor", "--json"], again);
    expect(
      (JSON.parse(again.out()) as typeof report).runs.find((run) => run.runId === "torn1")?.health,
    ).toBe("ok");
  });

  it("prints what to do for each problem, as text", async () => {
    const io = memoryIo({ cwd: repo.dir, env: { PATH: "/nonexistent" } });
    expect(await runCli(["doctor"], io)).toBe(1);
    const lines = io.out().split("\n");
    expect(lines[0]).toBe(`WorkflowMaster doctor — ${repo.dir}`);
    expect(lines).toContain("         Next: gh auth login");
    expect(lines.at(-2)).toBe("Not healthy: see the FAIL lines above.");
  });
});
