import { afterEach, describe, expect, it } from "vitest";
import { nodeFetch } from "../../ports/index.js";
import { seededRandom } from "../../testing/index.js";
import {
  REPO,
  SERVE_MODES,
  type SimulatedGithub,
  simulatedGithub,
} from "../fixtures/simulated-github.js";
import { markerFor } from "../marker.js";
import {
  ensurePullRequest,
  findPullRequest,
  HEAD_RECHECK_DELAY_MS,
  observePullRequest,
} from "./ensure-pull-request.js";

let world: SimulatedGithub | undefined;

afterEach(async () => {
  const done = world;
  world = undefined;
  if (done === undefined) return;
  await done.close();
  expect(done.tokenLeaks()).toEqual([]);
});

const SEEDS = Array.from({ length: 100 }, (_, index) => index + 1);
const BRANCH = "wfm/add-greeting";
const input = {
  runId: "r1",
  head: BRANCH,
  base: "main",
  title: "Add a greeting",
  body: "Closes #1.",
};
const MARKER = markerFor({ runId: "r1", phase: "pull-request" });

function pullsFor(github: SimulatedGithub, branch = BRANCH) {
  return github.sim.model.pulls("octo/app").filter((pull) => pull.headRef === branch);
}

describe.each(SERVE_MODES)("ghost writes on pull request create (%s)", (mode) => {
  it("leaves exactly one pull request for every one of 100 seeds", async () => {
    const outcomes: Array<{
      seed: number;
      pulls: number;
      creates: number;
      ghosts: number;
      origin: string;
    }> = [];
    for (const seed of SEEDS) {
      const response = seededRandom(seed).next() < 0.5 ? ("drop" as const) : (502 as const);
      world = await simulatedGithub({
        mode,
        seed,
        faults: [
          { endpoint: "pulls.create", nth: 1, fault: { kind: "ghost-write", response } },
          { method: "GET", probability: 0.1, fault: { kind: "server-error" } },
          { method: "GET", probability: 0.05, fault: { kind: "drop-connection" } },
        ],
      });
      await world.sim.faults.preexistingBranch({ branch: BRANCH });
      const pull = await ensurePullRequest(world.client, REPO, input);
      const pulls = pullsFor(world);
      outcomes.push({
        seed,
        pulls: pulls.length,
        // GitHub itself refuses a second open pull for a head; what must not happen is a second POST.
        creates: world.requestsTo("pulls.create").length,
        ghosts: world.sim.requests().filter((request) => request.fault === "ghost-write").length,
        origin: pull.origin,
      });
      expect(pull.number).toBe(pulls[0]?.number);
      const done = world;
      world = undefined;
      await done.close();
      expect(done.tokenLeaks()).toEqual([]);
    }
    // 100 seeds × 1 ghost write each, 0 duplicates, 0 missing.
    expect(outcomes.filter((outcome) => outcome.pulls !== 1)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.creates !== 1)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.ghosts !== 1)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.origin !== "found")).toEqual([]);
  });
});

describe.each(SERVE_MODES)("pull request lookup and adoption (%s)", (mode) => {
  it("creates once and finds the run's pull request by head afterwards", async () => {
    world = await simulatedGithub({ mode });
    await world.sim.faults.preexistingBranch({ branch: BRANCH });
    const created = await ensurePullRequest(world.client, REPO, input);
    const again = await ensurePullRequest(world.newClient(), REPO, input);
    expect(created).toMatchObject({ head: BRANCH, base: "main", origin: "created" });
    expect(again).toEqual({ ...created, origin: "found" });
    expect(await findPullRequest(world.client, REPO, input)).toEqual(again);
    expect(world.requestsTo("pulls.create")).toHaveLength(1);
    expect(world.sim.model.issue("octo/app", created.number)?.body).toBe(`Closes #1.\n\n${MARKER}`);
    expect(JSON.parse(JSON.stringify(created))).toEqual(created);
  });

  it("adopts an open pull request someone else opened for the branch, without a create", async () => {
    world = await simulatedGithub({ mode });
    const { pull } = await world.sim.faults.preexistingPull({ head: BRANCH, title: "by hand" });
    const adopted = await ensurePullRequest(world.client, REPO, input);
    expect(adopted).toMatchObject({ number: pull.number, origin: "adopted" });
    expect(world.requestsTo("pulls.create")).toHaveLength(0);
  });

  it("adopts the pull request GitHub reports with 422 'already exists'", async () => {
    let raced = false;
    world = await simulatedGithub({
      mode,
      client: {
        // Another process opens the pull request between our lookup and our create.
        fetch: async (request, init) => {
          const response = await nodeFetch(request, init);
          if (!raced && String(request).includes("/pulls?")) {
            raced = true;
            await world?.sim.faults.preexistingPull({ head: BRANCH, title: "raced" });
          }
          return response;
        },
      },
    });
    await world.sim.faults.preexistingBranch({ branch: BRANCH });
    const adopted = await ensurePullRequest(world.client, REPO, input);
    expect(adopted.origin).toBe("adopted");
    expect(world.requestsTo("pulls.create").map((request) => request.status)).toEqual([422]);
    expect(pullsFor(world)).toHaveLength(1);
  });
});

describe.each(SERVE_MODES)("pull request with an invalid head (%s)", (mode) => {
  it("re-checks a missing branch once, then stops with the head-invalid guidance", async () => {
    world = await simulatedGithub({ mode });
    const error = await world.failure(ensurePullRequest(world.client, REPO, input));
    expect(error.code).toBe("WFM-GITHUB-HEAD-INVALID");
    expect(error.kind).toBe("partial");
    expect(error.command).toBe("git -C <CWD> ls-remote origin refs/heads/wfm/add-greeting");
    expect(world.requestsTo("pulls.create").map((request) => request.status)).toEqual([422]);
    expect(world.requestsTo("git.getRef").map((request) => request.status)).toEqual([404]);
  });

  it("tries once more when the just-pushed branch becomes visible", async () => {
    world = await simulatedGithub({
      mode,
      faults: [{ endpoint: "git.createRef", fault: { kind: "eventual-consistency", ms: 1_500 } }],
    });
    const git = world.sim.model.git("octo/app");
    const main = await git.getRef("refs/heads/main");
    const sha = await git.createCommit({ parents: [main ?? ""], message: "greeting" });
    await world.client.rest.git.createRef({
      owner: "octo",
      repo: "app",
      ref: `refs/heads/${BRANCH}`,
      sha,
    });
    const pull = await ensurePullRequest(world.client, REPO, input);
    expect(pull.origin).toBe("created");
    expect(world.requestsTo("pulls.create").map((request) => request.status)).toEqual([422, 201]);
    expect(world.clock.elapsed).toBeGreaterThanOrEqual(HEAD_RECHECK_DELAY_MS);
  });
});

describe.each(SERVE_MODES)("pull request postcondition (%s)", (mode) => {
  it("observes head, base, state and marker", async () => {
    world = await simulatedGithub({ mode });
    await world.sim.faults.preexistingBranch({ branch: BRANCH });
    const pull = await ensurePullRequest(world.client, REPO, input);
    const observe = (extra: { base?: string; head?: string; runId?: string }) =>
      observePullRequest(world?.client as never, REPO, { ...input, number: pull.number, ...extra });
    expect(await observe({})).toEqual({ ok: true, value: undefined });
    expect(await observe({ base: "develop" })).toEqual({
      ok: false,
      error: `pull request #${pull.number} on octo/app has base main, not develop`,
    });
    expect(await observe({ runId: "r2" })).toEqual({
      ok: false,
      error: `pull request #${pull.number} on octo/app does not carry the marker of run r2, phase pull-request`,
    });
  });
});
