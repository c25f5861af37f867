import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eWorld, type E2eWorld, NAME, OWNER } from "./fixtures/e2e-world.js";
import { verifyRun } from "./fixtures/verify-run.js";

/**
 * A clean run through the real CLI: a bare repository served by git
 * daemon, the GitHub simulator over HTTP backed by it, and the CLI as a
 * child process. Then every reading command against the finished run.
 */
let world: E2eWorld;
let dir: string;
const outputs: string[] = [];
const BRANCH = "wfm/add-a-greeting-r1";

async function cli(args: string[]) {
  const result = await world.cli(args, { cwd: dir });
  outputs.push(result.stdout, result.stderr);
  return result;
}

beforeAll(async () => {
  world = await createE2eWorld("wfm-clean-");
  dir = await world.clone("clean");
}, 60_000);
afterAll(async () => {
  await world.close();
});

describe("a clean run", () => {
  it("ends with one issue, one branch on the remote holding the change, and one pull request from it", async () => {
    const result = await cli([
      "run",
      "--title",
      "Add a greeting",
      "--body",
      "Please greet the reader.",
      "--implement",
      `printf '%s\\n' "$WORKFLOWMASTER_RUN_ID" >> change.txt`,
      "--run-id",
      "r1",
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const issueUrl = `https://github.com/${OWNER}/${NAME}/issues/1`;
    const pullUrl = `https://github.com/${OWNER}/${NAME}/pull/2`;
    const expected = {
      runId: "r1",
      state: "completed",
      phases: ["preflight", "issue", "branch", "implement", "commit", "push", "pull-request"].map(
        (name) => ({ name, status: "completed", attempts: 1 }),
      ),
      issue: { number: 1, url: issueUrl },
      branch: BRANCH,
      pullRequest: { number: 2, url: pullUrl },
    };
    expect(JSON.parse(result.stdout)).toEqual(expected);
    expect(result.stdout.endsWith("}\n")).toBe(true);
    // Progress went to standard error as plain lines (not a terminal).
    expect(result.stderr).toContain("] pull-request: completed in ");

    expect(await verifyRun(world, "r1", BRANCH)).toEqual({
      issues: 1,
      pulls: 1,
      changeLines: 1,
      problems: [],
    });
    expect((await world.issues()).map((issue) => [issue.number, issue.title, issue.state])).toEqual(
      [[1, "Add a greeting", "open"]],
    );
    expect(
      (await world.pulls()).map((pull) => [pull.number, pull.head.ref, pull.base.ref]),
    ).toEqual([[2, BRANCH, "main"]]);
    expect([...(await world.remoteBranches()).keys()].sort()).toEqual(["main", BRANCH]);
    // Run state stays out of git.
    expect(await world.git(["status", "--porcelain", "--untracked-files=all"], dir)).toBe("");
    expect(await world.git(["show", "--name-only", "--format=", BRANCH], dir)).toBe("change.txt\n");
  });

  it("status --json prints exactly the DESIGN.md shape, the same as run --json", async () => {
    const status = await cli(["status", "r1", "--json"]);
    expect(status.code).toBe(0);
    expect(Object.keys(JSON.parse(status.stdout))).toEqual([
      "runId",
      "state",
      "phases",
      "issue",
      "branch",
      "pullRequest",
    ]);
    const latest = await cli(["status", "--json"]);
    expect(latest.stdout).toBe(status.stdout);
    const text = await cli(["status"]);
    expect(text.stdout.split("\n").slice(0, 2)).toEqual([
      "Run r1: completed — Add a greeting",
      "  preflight     completed (1 attempt)",
    ]);
  });

  it("runs lists it, events replays it, resume says there is nothing to do", async () => {
    const runs = await cli(["runs", "--json"]);
    const [entry] = JSON.parse(runs.stdout) as Record<string, unknown>[];
    expect(entry).toMatchObject({
      runId: "r1",
      state: "completed",
      title: "Add a greeting",
      issue: { number: 1 },
      pullRequest: { number: 2 },
    });
    const events = await cli(["events", "r1", "--json"]);
    const types = events.stdout
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types[0]).toBe("run.started");
    expect(types.at(-1)).toBe("run.completed");
    expect(types.filter((type) => type === "phase.completed")).toHaveLength(7);
    const follow = await cli(["events", "r1", "--follow"]);
    expect(follow.code).toBe(0);
    expect(follow.stdout.trim().split("\n").at(-1)).toMatch(/^\S+Z {2}run\.completed$/);
    const resume = await cli(["resume", "r1"]);
    expect(resume).toMatchObject({
      code: 0,
      stdout: "Run r1 already completed; there is nothing to resume.\n",
    });
  });

  it("doctor finds everything healthy", async () => {
    const doctor = await cli(["doctor", "--json"]);
    expect(doctor.code, doctor.stdout).toBe(0);
    const report = JSON.parse(doctor.stdout) as {
      healthy: boolean;
      checks: { name: string; status: string }[];
      runs: { runId: string; health: string; state: string }[];
    };
    expect(report.healthy).toBe(true);
    expect(report.checks.filter((check) => check.status === "problem")).toEqual([]);
    expect(report.checks.map((check) => check.name)).toEqual(
      expect.arrayContaining([
        "git",
        "repository: remote-reachable",
        "github: token",
        "github: repository",
        "github: rate limit",
        "disk",
      ]),
    );
    expect(report.runs).toEqual([{ runId: "r1", health: "ok", state: "completed" }]);
  });

  it("never shows the token: not in any output, not in run state", async () => {
    for (const output of outputs) expect(output).not.toContain(world.token);
    const runDir = join(dir, ".workflowmaster", "runs", "r1");
    for (const name of await readdir(runDir)) {
      if (name === "snapshots") continue;
      expect(await readFile(join(runDir, name), "utf8")).not.toContain(world.token);
    }
  });
});
