import { afterEach, describe, expect, it } from "vitest";
import {
  REPO,
  SERVE_MODES,
  type SimulatedGithub,
  simulatedGithub,
} from "../fixtures/simulated-github.js";
import { closeIssue, observeIssueClosed } from "./close-issue.js";
import { closePullRequest, observePullRequestClosed } from "./close-pull-request.js";

let world: SimulatedGithub | undefined;

afterEach(async () => {
  const done = world;
  world = undefined;
  if (done === undefined) return;
  await done.close();
  expect(done.tokenLeaks()).toEqual([]);
});

describe.each(SERVE_MODES)("closeIssue (%s)", (mode) => {
  it("closes an open issue, and a second close is done already", async () => {
    world = await simulatedGithub({ mode });
    const issue = world.sim.faults.preexistingIssue({ title: "to roll back" });
    const closed = await closeIssue(world.client, REPO, { runId: "r1", number: issue.number });
    const twice = await closeIssue(world.client, REPO, { runId: "r1", number: issue.number });
    expect(closed).toMatchObject({ number: issue.number, alreadyClosed: false });
    expect(twice).toMatchObject({ number: issue.number, alreadyClosed: true });
    expect(world.requestsTo("issues.update")).toHaveLength(1);
    expect(
      await observeIssueClosed(world.client, REPO, { runId: "r1", number: issue.number }),
    ).toEqual({
      ok: true,
      value: undefined,
    });
  });

  it("treats a close whose answer was lost as done", async () => {
    world = await simulatedGithub({
      mode,
      faults: [{ endpoint: "issues.update", nth: 1, fault: { kind: "ghost-write" } }],
    });
    const issue = world.sim.faults.preexistingIssue({ title: "to roll back" });
    const closed = await closeIssue(world.client, REPO, { runId: "r1", number: issue.number });
    expect(closed.alreadyClosed).toBe(true);
    expect(world.sim.model.issue("octo/app", issue.number)?.state).toBe("closed");
    expect(world.requestsTo("issues.update")).toHaveLength(1);
  });

  it("reports an issue that is still open", async () => {
    world = await simulatedGithub({ mode });
    const issue = world.sim.faults.preexistingIssue({ title: "open" });
    expect(
      await observeIssueClosed(world.client, REPO, { runId: "r1", number: issue.number }),
    ).toEqual({
      ok: false,
      error: `issue #${issue.number} on octo/app is still open`,
    });
  });
});

describe.each(SERVE_MODES)("closePullRequest (%s)", (mode) => {
  it("closes an open pull request once", async () => {
    world = await simulatedGithub({ mode });
    const { pull } = await world.sim.faults.preexistingPull({
      head: "wfm/x",
      title: "to roll back",
    });
    const closed = await closePullRequest(world.client, REPO, { runId: "r1", number: pull.number });
    const twice = await closePullRequest(world.client, REPO, { runId: "r1", number: pull.number });
    expect([closed.alreadyClosed, twice.alreadyClosed]).toEqual([false, true]);
    expect(world.requestsTo("pulls.update")).toHaveLength(1);
    expect(
      await observePullRequestClosed(world.client, REPO, { runId: "r1", number: pull.number }),
    ).toEqual({
      ok: true,
      value: undefined,
    });
  });
});
