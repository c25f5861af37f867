import { afterEach, describe, expect, it } from "vitest";
import { seededRandom } from "../../testing/index.js";
import {
  REPO,
  SERVE_MODES,
  type SimulatedGithub,
  simulatedGithub,
} from "../fixtures/simulated-github.js";
import { markerFor } from "../marker.js";
import { comment, observeComment } from "./comment.js";

let world: SimulatedGithub | undefined;

afterEach(async () => {
  const done = world;
  world = undefined;
  if (done === undefined) return;
  await done.close();
  expect(done.tokenLeaks()).toEqual([]);
});

const commentsWith = (github: SimulatedGithub, key: string) => {
  const marker = markerFor({ runId: "r1", phase: "comment", key });
  return github.sim.model.comments("octo/app", 1).filter((entry) => entry.body.includes(marker));
};

describe.each(SERVE_MODES)("comment (%s)", (mode) => {
  it("posts once per key and finds the posted comment again", async () => {
    world = await simulatedGithub({ mode });
    world.sim.faults.preexistingIssue({ title: "the run's issue" });
    const first = await comment(world.client, REPO, {
      runId: "r1",
      issueNumber: 1,
      body: "Started.",
      key: "started",
    });
    const again = await comment(world.client, REPO, {
      runId: "r1",
      issueNumber: 1,
      body: "Started.",
      key: "started",
    });
    const other = await comment(world.client, REPO, {
      runId: "r1",
      issueNumber: 1,
      body: "Done.",
      key: "done",
    });
    expect(first.origin).toBe("created");
    expect(again).toEqual({ ...first, origin: "found" });
    expect(other.origin).toBe("created");
    expect(world.requestsTo("issues.createComment")).toHaveLength(2);
    expect(
      await observeComment(world.client, REPO, {
        runId: "r1",
        key: "started",
        issueNumber: 1,
        commentId: first.id,
      }),
    ).toEqual({ ok: true, value: undefined });
    expect(
      await observeComment(world.client, REPO, {
        runId: "r1",
        key: "started",
        issueNumber: 1,
        commentId: other.id,
      }),
    ).toEqual({
      ok: false,
      error: `the comments of #1 on octo/app hold the marker for key started on comment ${first.id}, not ${other.id}`,
    });
  });

  it("posts exactly one comment per key under ghost writes, for 20 seeds", async () => {
    const counts: number[] = [];
    for (let seed = 1; seed <= 20; seed += 1) {
      const response = seededRandom(seed).next() < 0.5 ? ("drop" as const) : (502 as const);
      world = await simulatedGithub({
        mode,
        seed,
        faults: [
          { endpoint: "issues.createComment", nth: 1, fault: { kind: "ghost-write", response } },
          { method: "GET", probability: 0.1, fault: { kind: "server-error" } },
        ],
      });
      world.sim.faults.preexistingIssue({ title: "the run's issue" });
      await comment(world.client, REPO, {
        runId: "r1",
        issueNumber: 1,
        body: "Started.",
        key: "started",
      });
      counts.push(commentsWith(world, "started").length);
      const done = world;
      world = undefined;
      await done.close();
    }
    expect(counts).toEqual(Array.from({ length: 20 }, () => 1));
  });

  it("finds its comment on the last page of a long thread", async () => {
    world = await simulatedGithub({ mode, client: { lookup: { perPage: 2, maxPages: 2 } } });
    world.sim.faults.preexistingIssue({ title: "busy issue" });
    const mine = await comment(world.client, REPO, {
      runId: "r1",
      issueNumber: 1,
      body: "Mine.",
      key: "k",
    });
    for (let index = 0; index < 5; index += 1)
      world.sim.model.createComment("octo/app", 1, `chatter ${index}`);
    const again = await comment(world.client, REPO, {
      runId: "r1",
      issueNumber: 1,
      body: "Mine.",
      key: "k",
    });
    expect(again).toEqual({ ...mine, origin: "found" });
    expect(commentsWith(world, "k")).toHaveLength(1);
  });
});
