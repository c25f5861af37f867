import { afterEach, describe, expect, it } from "vitest";
import { seededRandom } from "../../testing/index.js";
import {
  REPO,
  SERVE_MODES,
  type SimulatedGithub,
  simulatedGithub,
} from "../fixtures/simulated-github.js";
import { markerFor } from "../marker.js";
import { ensureIssue, findIssueByMarker, observeIssue } from "./ensure-issue.js";

let world: SimulatedGithub | undefined;

afterEach(async () => {
  const done = world;
  world = undefined;
  if (done === undefined) return;
  await done.close();
  expect(done.tokenLeaks()).toEqual([]);
});

const SEEDS = Array.from({ length: 100 }, (_, index) => index + 1);
const input = { runId: "r1", title: "Add a greeting", body: "Say hello." };
const MARKER = markerFor({ runId: "r1", phase: "issue" });

/** Issues in the simulator's model carrying run r1's marker. */
function markedIssues(github: SimulatedGithub) {
  return github.sim.model
    .issues("octo/app")
    .filter((issue) => issue.body?.includes(MARKER) === true);
}

describe.each(SERVE_MODES)("ghost writes on issue create (%s)", (mode) => {
  it("leaves exactly one issue for every one of 100 seeds", async () => {
    const outcomes: Array<{ seed: number; issues: number; ghosts: number; origin: string }> = [];
    for (const seed of SEEDS) {
      // Each seed: how the answer is lost, and which reads also fail on the way.
      const response = seededRandom(seed).next() < 0.5 ? ("drop" as const) : (502 as const);
      world = await simulatedGithub({
        mode,
        seed,
        faults: [
          { endpoint: "issues.create", nth: 1, fault: { kind: "ghost-write", response } },
          { method: "GET", probability: 0.1, fault: { kind: "server-error" } },
          { method: "GET", probability: 0.05, fault: { kind: "drop-connection" } },
        ],
      });
      const issue = await ensureIssue(world.client, REPO, input);
      const marked = markedIssues(world);
      outcomes.push({
        seed,
        issues: marked.length,
        ghosts: world.sim.requests().filter((request) => request.fault === "ghost-write").length,
        origin: issue.origin,
      });
      expect(issue.number).toBe(marked[0]?.number);
      const done = world;
      world = undefined;
      await done.close();
      expect(done.tokenLeaks()).toEqual([]);
    }
    // 100 seeds × 1 ghost write each, 0 duplicates, 0 missing.
    expect(outcomes.filter((outcome) => outcome.issues !== 1)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.ghosts !== 1)).toEqual([]);
    // Every create's answer was lost, so every issue was found again, never re-sent.
    expect(outcomes.filter((outcome) => outcome.origin !== "found")).toEqual([]);
  });
});

describe.each(SERVE_MODES)("issue lookup before create (%s)", (mode) => {
  it("finds the run's issue again instead of creating a second one", async () => {
    world = await simulatedGithub({ mode });
    const first = await ensureIssue(world.client, REPO, input);
    // A new client, as after a restart: nothing cached.
    const again = await ensureIssue(world.newClient(), REPO, input);
    expect(first.origin).toBe("created");
    expect(again).toEqual({ ...first, origin: "found" });
    expect(world.requestsTo("issues.create")).toHaveLength(1);
    expect(await findIssueByMarker(world.client, REPO, { runId: "r1" })).toEqual(again);
    expect(await findIssueByMarker(world.client, REPO, { runId: "r10" })).toBeUndefined();
  });

  it("returns JSON the engine can journal", async () => {
    world = await simulatedGithub({ mode });
    const issue = await ensureIssue(world.client, REPO, input);
    expect(JSON.parse(JSON.stringify(issue))).toEqual(issue);
    expect(Object.keys(issue).sort()).toEqual(["nodeId", "number", "origin", "url"]);
    expect(issue.url).toMatch(/\/octo\/app\/issues\/1$/);
  });

  it("falls back to search when the listing is cut short", async () => {
    world = await simulatedGithub({ mode, client: { lookup: { perPage: 1, maxPages: 1 } } });
    const mine = await ensureIssue(world.client, REPO, input);
    for (const title of ["newer one", "newer two"]) {
      await world.client.rest.issues.create({ owner: REPO.owner, repo: REPO.repo, title });
    }
    const found = await findIssueByMarker(world.client, REPO, { runId: "r1" });
    expect(found).toEqual({ ...mine, origin: "found" });
    expect(
      world.requestsTo("search.issuesAndPullRequests").map((request) => request.status),
    ).toEqual([200]);
  });

  it("adopts an issue a previous run left, by its marker", async () => {
    world = await simulatedGithub({ mode });
    const left = world.sim.faults.preexistingIssue({ title: "earlier", body: `x\n\n${MARKER}` });
    const issue = await ensureIssue(world.client, REPO, input);
    expect(issue).toMatchObject({ number: left.number, origin: "found" });
    expect(world.requestsTo("issues.create")).toHaveLength(0);
  });
});

describe.each(SERVE_MODES)("issue create under transient faults (%s)", (mode) => {
  it("recovers from a burst of 5xx and dropped connections on reads", async () => {
    world = await simulatedGithub({
      mode,
      faults: [
        { endpoint: "issues.listForRepo", nth: 1, times: 2, fault: { kind: "server-error" } },
        { endpoint: "issues.listForRepo", nth: 3, times: 1, fault: { kind: "drop-connection" } },
        {
          endpoint: "users.getAuthenticated",
          nth: 1,
          times: 1,
          fault: { kind: "server-error", status: 503 },
        },
      ],
    });
    const issue = await ensureIssue(world.client, REPO, input);
    expect(issue.origin).toBe("created");
    expect(markedIssues(world)).toHaveLength(1);
  });

  it("reconciles a create refused with a 502 that did not apply, and creates once", async () => {
    world = await simulatedGithub({
      mode,
      faults: [{ endpoint: "issues.create", nth: 1, fault: { kind: "server-error" } }],
    });
    const issue = await ensureIssue(world.client, REPO, input);
    expect(issue.origin).toBe("created");
    expect(world.requestsTo("issues.create").map((request) => request.status)).toEqual([502, 201]);
    // The second create came only after a lookup found nothing.
    const order = world.sim.requests().map((request) => request.endpoint);
    expect(order.slice(order.indexOf("issues.create"))).toEqual([
      "issues.create",
      "issues.listForRepo",
      "issues.create",
    ]);
    expect(markedIssues(world)).toHaveLength(1);
  });

  it("reconciles a dropped create and never sends it blindly again", async () => {
    world = await simulatedGithub({
      mode,
      faults: [{ endpoint: "issues.create", nth: 1, times: 3, fault: { kind: "drop-connection" } }],
    });
    const issue = await ensureIssue(world.client, REPO, input);
    expect(issue.origin).toBe("created");
    const order = world.sim.requests().map((request) => request.endpoint);
    expect(order).toEqual([
      "users.getAuthenticated",
      "issues.listForRepo",
      "issues.create",
      "issues.listForRepo",
      "issues.create",
      "issues.listForRepo",
      "issues.create",
      "issues.listForRepo",
      "issues.create",
    ]);
    expect(markedIssues(world)).toHaveLength(1);
  });
});

describe.each(SERVE_MODES)("issue postcondition (%s)", (mode) => {
  it("observes the issue by number, with its marker", async () => {
    world = await simulatedGithub({ mode });
    const issue = await ensureIssue(world.client, REPO, input);
    expect(await observeIssue(world.client, REPO, { runId: "r1", number: issue.number })).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await observeIssue(world.client, REPO, { runId: "r2", number: issue.number })).toEqual({
      ok: false,
      error: "issue #1 on octo/app does not carry the marker of run r2, phase issue",
    });
    expect(await observeIssue(world.client, REPO, { runId: "r1", number: 99 })).toEqual({
      ok: false,
      error: "issue #99 on octo/app was not found",
    });
  });
});
