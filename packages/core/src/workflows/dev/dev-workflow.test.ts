import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { nodePorts } from "../../ports/index.js";
import { createDevWorkflow, DEV_PHASES } from "./dev-workflow.js";
import { type DevTestWorld, devTestWorld } from "./fixtures/dev-test-world.js";

const worlds: DevTestWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

async function world(
  runId: string,
  options: Parameters<typeof devTestWorld>[1] = {},
): Promise<DevTestWorld> {
  const created = await devTestWorld(runId, options);
  worlds.push(created);
  return created;
}

const phaseValueOf = (phases: { name: string; value?: unknown }[], name: string) =>
  phases.find((phase) => phase.name === name)?.value as Record<string, unknown>;

describe("a clean development run", () => {
  it("ends with one issue, the change committed once on the branch and pushed, and one pull request closing the issue", async () => {
    const w = await world("r1");
    const command = "printf 'hello\\n' >> greeting.txt";
    const outcome = await w.engine.start(w.workflow({ command }), {
      runId: "r1",
      input: w.input("Add a greeting", command),
    });
    expect(outcome.state).toBe("completed");
    expect(outcome.snapshot.phases.map((phase) => [phase.name, phase.status])).toEqual(
      DEV_PHASES.map((name) => [name, "completed"]),
    );
    const issues = w.issues();
    const pulls = w.pulls();
    expect(issues.map((issue) => [issue.number, issue.title, issue.state])).toEqual([
      [1, "Add a greeting", "open"],
    ]);
    expect(issues[0]?.body).toContain("<!-- workflowmaster:run=r1 phase=issue -->");
    expect(pulls.map((pull) => [pull.number, pull.headRef, pull.baseRef])).toEqual([
      [2, "wfm/add-a-greeting-r1", "main"],
    ]);
    const commit = phaseValueOf(outcome.snapshot.phases, "commit");
    expect(pulls[0]?.headSha).toBe(commit.sha);
    const pullIssue = w.sim.model.issue("acme/widgets", 2);
    expect(pullIssue?.body).toMatch(/^Closes #1\n\nBody text\.\n/);
    expect(await w.git$(["show", `${String(commit.sha)}:greeting.txt`])).toBe("hello\n");
    expect((await w.git$(["log", "--format=%P", "-1", String(commit.sha)])).trim()).toBe(
      (await w.git$(["rev-parse", "main"])).trim(),
    );
    expect(await w.git$(["log", "-1", "--format=%B", String(commit.sha)])).toBe(
      "Add a greeting\n\nRefs #1\n\nWorkflowmaster-Run: r1\n\n",
    );
    expect(
      (await w.git$(["ls-remote", "origin", "refs/heads/wfm/add-a-greeting-r1"])).split("\t")[0],
    ).toBe(commit.sha);
    // Run state is never committed, and git is told to ignore it.
    expect(await w.git$(["show", "--name-only", "--format=", String(commit.sha)])).toBe(
      "greeting.txt\n",
    );
    expect(await w.git$(["check-ignore", ".workflowmaster/runs"])).toBe(".workflowmaster/runs\n");
  });
});

describe("the implement step", () => {
  it("keeps an attempt cut short by its timeout under a ref, and runs the command again from the start tree", async () => {
    const w = await world("r2");
    const mark = join(w.temp.root, "second-attempt");
    const command = `printf 'partial\\n' >> partial.txt; if [ -f '${mark}' ]; then printf 'done\\n' > change.txt; else touch '${mark}'; sleep 30; fi`;
    const outcome = await w.engine.start(w.workflow({ command, timeoutMs: 1500 }), {
      runId: "r2",
      input: w.input("Slow first", command),
    });
    expect(outcome.state).toBe("completed");
    const implement = phaseValueOf(outcome.snapshot.phases, "implement");
    expect(implement.attempt).toBe(2);
    const saved = implement.savedAttempts as { ref: string; commit: string }[];
    expect(saved.map((entry) => entry.ref)).toEqual(["refs/workflowmaster/r2/implement-attempt-1"]);
    // The partial work is kept, exactly as the killed attempt left it…
    expect(await w.git$(["show", `${saved[0]?.commit}:partial.txt`])).toBe("partial\n");
    expect(await w.git$(["show", "--name-only", "--format=", String(saved[0]?.commit)])).toBe(
      "partial.txt\n",
    );
    // …and the committed change holds the second attempt's work once, not both.
    const commit = String(phaseValueOf(outcome.snapshot.phases, "commit").sha);
    expect(await w.git$(["show", `${commit}:partial.txt`])).toBe("partial\n");
    expect(await w.git$(["show", `${commit}:change.txt`])).toBe("done\n");
  });

  it("pauses on a failing command, and on resume keeps its partial work and completes from a clean tree", async () => {
    const w = await world("r3");
    const ok = join(w.temp.root, "ok");
    const command = `printf 'half\\n' >> half.txt; test -f '${ok}' || { echo 'not ready' >&2; exit 4; }; printf 'whole\\n' > whole.txt`;
    const workflow = w.workflow({ command });
    const first = await w.engine.start(workflow, {
      runId: "r3",
      input: w.input("Needs a fix", command),
    });
    expect(first.state).toBe("paused");
    expect(first.error?.code).toBe("WFM-IMPLEMENT-FAILED");
    expect(first.error?.message).toBe(
      "The implement command of run r3 exited with code 4 (not ready).",
    );
    expect(first.error?.command).toBe("workflowmaster resume r3");
    await writeFile(ok, "");
    const second = await w.engine.resume(workflow, "r3");
    expect(second.state).toBe("completed");
    const implement = phaseValueOf(second.snapshot.phases, "implement");
    expect(implement.attempt).toBe(2);
    expect((implement.savedAttempts as { ref: string }[]).map((entry) => entry.ref)).toEqual([
      "refs/workflowmaster/r3/implement-attempt-1",
    ]);
    const commit = String(phaseValueOf(second.snapshot.phases, "commit").sha);
    expect(await w.git$(["show", `${commit}:half.txt`])).toBe("half\n");
    expect(await w.git$(["show", `${commit}:whole.txt`])).toBe("whole\n");
  });

  it("pauses with WFM-IMPLEMENT-EMPTY-DIFF when the command changes nothing, and creates no commit", async () => {
    const w = await world("r4");
    const outcome = await w.engine.start(w.workflow({ command: "true" }), {
      runId: "r4",
      input: w.input("Nothing to do", "true"),
    });
    expect([outcome.state, outcome.error?.code]).toEqual(["paused", "WFM-IMPLEMENT-EMPTY-DIFF"]);
    expect(outcome.snapshot.phases.find((phase) => phase.name === "commit")?.status).toBe(
      "pending",
    );
    expect(w.pulls()).toEqual([]);
  });

  it("refuses to start over files that were there before the first attempt", async () => {
    const w = await world("r5");
    await writeFile(join(w.temp.dir, "notes.txt"), "my own notes\n");
    const outcome = await w.engine.start(w.workflow({ command: "echo x > x.txt" }), {
      runId: "r5",
      input: w.input("Dirty", "echo x > x.txt"),
    });
    expect([outcome.state, outcome.error?.code]).toEqual(["paused", "WFM-DEV-TREE-NOT-CLEAN"]);
    expect(outcome.error?.guidance).toContain("(notes.txt)");
    expect(outcome.error?.command).toBe(`git -C ${w.temp.dir} status --untracked-files=all`);
  });

  it("stops with WFM-DEV-HEAD-MOVED when the command commits by itself", async () => {
    const w = await world("r6");
    const command = "echo x > x.txt && git add x.txt && git commit -q -m sneaky";
    const outcome = await w.engine.start(w.workflow({ command }), {
      runId: "r6",
      input: w.input("Sneaky", command),
    });
    expect([outcome.state, outcome.error?.code]).toEqual(["paused", "WFM-DEV-HEAD-MOVED"]);
    const base = (await w.git$(["rev-parse", "main"])).trim();
    expect(outcome.error?.command).toBe(`git -C ${w.temp.dir} reset --soft ${base}`);
  });
});

describe("rollback", () => {
  it("closes the pull request and the issue, deletes the remote branch and keeps the local one", async () => {
    // The pull request is created, then its phase fails: the run stops short of completing.
    const w = await world("r7", {
      githubFaultPoints: {
        hit: (point) =>
          point === "github.pull-request.created"
            ? Promise.reject(new Error("lost after the pull request was created"))
            : Promise.resolve(),
      },
    });
    const command = "echo change > change.txt";
    const workflow = w.workflow({ command });
    const run = await w.engine.start(workflow, { runId: "r7", input: w.input("Undo me", command) });
    expect([run.state, run.snapshot.phases.at(-1)?.status]).toEqual(["paused", "failed"]);
    expect(w.pulls().map((pull) => pull.number)).toEqual([2]);
    const rolled = await w.engine.rollback(workflow, "r7");
    expect(rolled.state).toBe("rolled-back");
    expect(rolled.plan).toEqual([
      { phase: "pull-request", action: "reconcile-then-compensate" },
      { phase: "push", action: "compensate" },
      { phase: "commit", action: "keep" },
      { phase: "implement", action: "keep" },
      { phase: "branch", action: "keep" },
      { phase: "issue", action: "compensate" },
    ]);
    expect(rolled.compensated).toEqual(["pull-request", "push", "issue"]);
    expect(rolled.kept).toEqual(["commit", "implement", "branch"]);
    expect(w.issues().map((issue) => issue.state)).toEqual(["closed"]);
    expect(w.sim.model.issue("acme/widgets", 2)?.state).toBe("closed");
    expect(
      w.sim.model.comments("acme/widgets", 1).map((comment) => comment.body.split("\n")[0]),
    ).toEqual([
      "WorkflowMaster rolled back run `r7` and closed this issue. The local work is kept on branch `wfm/undo-me-r7` in the repository the run was started in.",
    ]);
    expect(await w.git$(["ls-remote", "origin", "refs/heads/wfm/undo-me-r7"])).toBe("");
    expect(await w.git$(["show", "wfm/undo-me-r7:change.txt"])).toBe("change\n");
  });
});

describe("createDevWorkflow options", () => {
  it("names the bad field", () => {
    expect(() =>
      createDevWorkflow({
        git: {} as never,
        github: {} as never,
        ports: nodePorts(),
        repo: { owner: "acme", name: "widgets" },
        base: "main",
        implement: { command: "true" },
      }),
    ).toThrow(/^Invalid dev workflow options: .*git/);
  });
});
