import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eWorld, type E2eWorld } from "./fixtures/e2e-world.js";
import { branchOf, runArgs } from "./fixtures/kill-and-resume.js";

/**
 * A run killed after its push and before its pull request, then rolled
 * back through the CLI: the dry run changes nothing; the rollback leaves
 * nothing behind on the simulator (the issue closed with a comment, no
 * pull request) or the remote (the branch deleted), and keeps the local
 * work, naming it.
 */
let world: E2eWorld;
let dir: string;
const RUN = "rb1";
const BRANCH = branchOf(RUN);

beforeAll(async () => {
  world = await createE2eWorld("wfm-rollback-");
  dir = await world.clone(RUN);
}, 60_000);
afterAll(async () => {
  await world.close();
});

describe("rollback after the push and before the pull request", () => {
  it("plans without changing anything on --dry-run", async () => {
    const killed = await world.cli(runArgs(RUN), {
      cwd: dir,
      env: { WORKFLOWMASTER_FAULT_POINT: "git.push.completed@1" },
    });
    expect(killed.signal).toBe("SIGKILL");
    const pushed = (await world.remoteBranches()).get(BRANCH);
    expect(pushed).toMatch(/^[0-9a-f]{40}$/);

    const dry = await world.cli(["rollback", RUN, "--dry-run"], { cwd: dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe(
      [
        `Rollback plan for run ${RUN} (dry run: nothing was changed):`,
        `  - push: look up whether it happened, then delete ${BRANCH} on the remote (only while it is at the run's commit and no pull request from it was merged)`,
        "  - commit: keep (local work is never undone)",
        "  - implement: keep (local work is never undone)",
        "  - branch: keep (local work is never undone)",
        "  - issue: comment on and close #1",
        "Local work that will be kept:",
        `  Branch ${BRANCH} at ${pushed?.slice(0, 12)}`,
        "",
      ].join("\n"),
    );
    expect((await world.issues()).map((issue) => [issue.state, issue.comments])).toEqual([
      ["open", 0],
    ]);
    expect((await world.remoteBranches()).get(BRANCH)).toBe(pushed);
  });

  it("leaves nothing behind on the simulator or the remote, and keeps the local work", async () => {
    const pushed = (await world.remoteBranches()).get(BRANCH);
    const rolled = await world.cli(["rollback", RUN, "--json"], { cwd: dir });
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(JSON.parse(rolled.stdout)).toEqual({
      runId: RUN,
      state: "rolled-back",
      dryRun: false,
      plan: [
        { phase: "push", action: "reconcile-then-compensate" },
        { phase: "commit", action: "keep" },
        { phase: "implement", action: "keep" },
        { phase: "branch", action: "keep" },
        { phase: "issue", action: "compensate" },
      ],
      compensated: ["push", "issue"],
      incomplete: [],
      kept: ["commit", "implement", "branch"],
      localWork: { branch: { name: BRANCH, sha: pushed }, uncommitted: false, savedAttempts: [] },
    });
    // Nothing left open on the simulator, nothing on the remote.
    const issues = await world.issues();
    expect(issues.map((issue) => [issue.number, issue.state, issue.comments])).toEqual([
      [1, "closed", 1],
    ]);
    expect((await world.comments(1))[0]?.body).toMatch(
      new RegExp(
        `^WorkflowMaster rolled back run \`${RUN}\` and closed this issue\\. The local work is kept on branch \`${BRANCH}\``,
      ),
    );
    expect(await world.pulls()).toEqual([]);
    expect([...(await world.remoteBranches()).keys()]).toEqual(["main"]);
    // The local work is where it was.
    expect((await world.git(["rev-parse", BRANCH], dir)).trim()).toBe(pushed);
    expect(await world.git(["show", `${BRANCH}:change.txt`], dir)).toBe(`${RUN}\n`);

    const status = await world.cli(["status", RUN, "--json"], { cwd: dir });
    expect(JSON.parse(status.stdout)).toMatchObject({ state: "rolled-back" });
    const again = await world.cli(["rollback", RUN], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr.split("\n")[0]).toBe(
      `Error WFM-RUN-TERMINAL: Run ${RUN} already ended \`rolled-back\`; it cannot be rolled back.`,
    );
  });

  it.each([1, 2])(
    "finishes a rollback killed at its compensation hit %i when run again, without a second comment",
    async (hit) => {
      const runId = `rbk${hit}`;
      const clone = await world.clone(runId);
      const killed = await world.cli(runArgs(runId), {
        cwd: clone,
        env: { WORKFLOWMASTER_FAULT_POINT: "git.push.completed@1" },
      });
      expect(killed.signal).toBe("SIGKILL");
      // The hidden flag installs the test fault point even outside NODE_ENV=test.
      const dying = await world.cli(
        ["rollback", runId, "--chaos-fault-point", `engine.phase.compensated@${hit}`],
        { cwd: clone, env: { NODE_ENV: "production" } },
      );
      expect(dying.signal).toBe("SIGKILL");
      const again = await world.cli(["rollback", runId], { cwd: clone });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout.split("\n")[0]).toBe(`Run ${runId} rolled back.`);
      const issue = (await world.issues()).find((candidate) =>
        candidate.body?.includes(`<!-- workflowmaster:run=${runId} phase=issue -->`),
      );
      expect([issue?.state, issue?.comments]).toEqual(["closed", 1]);
      expect((await world.remoteBranches()).has(branchOf(runId))).toBe(false);
      expect(await world.git(["show", `${branchOf(runId)}:change.txt`], clone)).toBe(`${runId}\n`);
    },
    60_000,
  );
});
