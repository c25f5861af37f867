import { performance } from "node:perf_hooks";
import { systemClock as chaosSystemClock } from "@workflowmaster/chaos";
import { afterEach, describe, expect, it } from "vitest";
import { nodeFetch } from "../ports/index.js";
import { createRetryBudget } from "../retry/index.js";
import { createVirtualClock, seededRandom } from "../testing/index.js";
import {
  REPO,
  SERVE_MODES,
  type SimulatedGithub,
  simulatedGithub,
  TEST_TOKEN,
} from "./fixtures/simulated-github.js";
import { createGithubClient } from "./github-client.js";
import { ensureIssue, findIssueByMarker } from "./operations/ensure-issue.js";

let world: SimulatedGithub | undefined;

afterEach(async () => {
  const done = world;
  world = undefined;
  if (done === undefined) return;
  await done.close();
  expect(done.tokenLeaks()).toEqual([]);
});

const START = Date.UTC(2026, 0, 1);
const at = (ms: number) => new Date(START + ms).toISOString();

describe.each(SERVE_MODES)("primary rate limit (%s)", (mode) => {
  it("waits in virtual time until an hour-away reset, announces it, then creates the issue", async () => {
    world = await simulatedGithub({
      mode,
      faults: [
        {
          endpoint: "issues.create",
          nth: 1,
          fault: { kind: "primary-rate-limit", resetAfterMs: 3_600_000 },
        },
      ],
    });
    const realStart = performance.now();
    const issue = await ensureIssue(world.client, REPO, {
      runId: "r1",
      title: "Add greeting",
      body: "b",
    });
    const realMs = performance.now() - realStart;

    expect(issue.origin).toBe("created");
    expect(world.clock.elapsed).toBeGreaterThanOrEqual(3_600_000);
    // One second past the reset, as GitHub advises; then a lookup and the create.
    expect(world.clock.elapsed).toBe(3_601_000);
    // Virtual time: an hour's wait costs no real hour (generous bound for a shared machine).
    expect(realMs).toBeLessThan(10_000);
    expect(world.events).toEqual([
      {
        type: "rate-limit.waiting",
        runId: "r1",
        target: "github",
        until: at(3_601_000),
        delayMs: 3_601_000,
      },
    ]);
    expect(world.requestsTo("issues.create").map((request) => request.status)).toEqual([403, 201]);
    expect(world.sim.model.issues("octo/app")).toHaveLength(1);
    // The plugin saw the limit and, as configured, left the waiting to the retry policy.
    expect(
      world.logs.filter((line) => line.message.startsWith("GitHub rate limit on POST")),
    ).toHaveLength(1);
  });

  it("stops with the rate-limit error and its guidance when the wait would pass maxWaitMs", async () => {
    world = await simulatedGithub({
      mode,
      faults: [
        {
          endpoint: "issues.listForRepo",
          nth: 1,
          fault: { kind: "primary-rate-limit", resetAfterMs: 7_200_000 },
        },
      ],
    });
    const error = await world.failure(findIssueByMarker(world.client, REPO, { runId: "r1" }));
    expect(error.code).toBe("WFM-GITHUB-RATE-LIMITED");
    expect(error.kind).toBe("transient");
    expect(error.retryAfterMs).toBe(7_201_000);
    expect(error.message).toContain(
      "(stopped waiting: 7201 s more after 0 s would pass the 3660 s cap)",
    );
    expect(error.guidance).toBe(
      "The token has used all of its GitHub API requests for this period; the limit resets at 2026-01-01T02:00:00.000Z. Resume run r1 after that time, or use a token with a higher limit.",
    );
    expect(error.command).toBe("workflowmaster resume r1");
    expect(world.clock.elapsed).toBe(0);
    expect(world.events).toEqual([]);
  });
});

describe.each(SERVE_MODES)("secondary rate limit (%s)", (mode) => {
  it("waits 60 s when GitHub sends no retry-after", async () => {
    world = await simulatedGithub({
      mode,
      faults: [{ endpoint: "issues.listForRepo", nth: 1, fault: { kind: "secondary-rate-limit" } }],
    });
    expect(await findIssueByMarker(world.client, REPO, { runId: "r1" })).toBeUndefined();
    expect(world.clock.elapsed).toBe(60_000);
    expect(world.events).toEqual([
      {
        type: "rate-limit.waiting",
        runId: "r1",
        target: "github",
        until: at(60_000),
        delayMs: 60_000,
      },
    ]);
    expect(world.requestsTo("issues.listForRepo").map((request) => request.status)).toEqual([
      403, 200,
    ]);
  });

  it("backs off exponentially from 60 s when the limit repeats without retry-after", async () => {
    world = await simulatedGithub({
      mode,
      faults: [
        {
          endpoint: "issues.listForRepo",
          nth: 1,
          times: 3,
          fault: { kind: "secondary-rate-limit" },
        },
      ],
    });
    expect(await findIssueByMarker(world.client, REPO, { runId: "r1" })).toBeUndefined();
    expect(
      world.events.map((event) => (event.type === "rate-limit.waiting" ? event.delayMs : 0)),
    ).toEqual([60_000, 120_000, 240_000]);
    expect(world.clock.elapsed).toBe(420_000);
  });

  it("waits exactly as long as retry-after says", async () => {
    world = await simulatedGithub({
      mode,
      faults: [
        {
          endpoint: "issues.listForRepo",
          nth: 1,
          fault: { kind: "secondary-rate-limit", status: 429, retryAfterSeconds: 17 },
        },
      ],
    });
    expect(await findIssueByMarker(world.client, REPO, { runId: "r1" })).toBeUndefined();
    expect(world.clock.elapsed).toBe(17_000);
    expect(world.events).toEqual([
      {
        type: "rate-limit.waiting",
        runId: "r1",
        target: "github",
        until: at(17_000),
        delayMs: 17_000,
      },
    ]);
  });
});

describe.each(SERVE_MODES)("write spacing (%s)", (mode) => {
  it("sends writes one at a time, notifying writes 3 s apart, on the virtual clock", async () => {
    world = await simulatedGithub({ mode });
    const client = world.client;
    await Promise.all(
      ["a", "b", "c"].map((title) =>
        client.rest.issues.create({ owner: REPO.owner, repo: REPO.repo, title }),
      ),
    );
    // Send times: over HTTP a request may arrive after the clock moved on for the next one.
    const posts = world.sent.filter((request) => request.method === "POST");
    expect(posts.map((request) => request.at)).toEqual([START, START + 3_000, START + 6_000]);
    expect(world.sim.model.issues("octo/app")).toHaveLength(3);
  });
});

describe.each(SERVE_MODES)("a total outage (%s)", (mode) => {
  it("gives up after maxAttempts with backoff in virtual time, having created nothing", async () => {
    world = await simulatedGithub({
      mode,
      faults: [{ fault: { kind: "server-error" } }],
      client: { retry: { maxAttempts: 4 } },
    });
    const error = await world.failure(
      ensureIssue(world.client, REPO, { runId: "r1", title: "t", body: "b" }),
    );
    expect(error.code).toBe("WFM-RETRY-EXHAUSTED");
    expect(error.message).toContain("Gave up after 4 attempts");
    expect(world.sim.requests()).toHaveLength(4);
    expect(world.requestsTo("issues.create")).toHaveLength(0);
    // Full-jitter backoff: at most 1 + 2 + 4 s, and no rate-limit event for a 5xx.
    expect(world.clock.elapsed).toBeLessThanOrEqual(7_000);
    expect(world.events).toEqual([]);
  });

  it("stops at once when the shared retry budget is spent", async () => {
    const budgetClock = createVirtualClock();
    const budget = createRetryBudget({ capacity: 10, retryCost: 5, refillEveryMs: 0 }, budgetClock);
    world = await simulatedGithub({ mode, faults: [{ fault: { kind: "server-error" } }], budget });
    const error = await world.failure(findIssueByMarker(world.client, REPO, { runId: "r1" }));
    expect(error.code).toBe("WFM-RETRY-BUDGET-EXHAUSTED");
    // Two retries paid for, then no third.
    expect(world.sim.requests()).toHaveLength(3);
  });
});

describe.each(SERVE_MODES)("authentication and permission failures (%s)", (mode) => {
  it("does not retry a 401 and asks for a new token", async () => {
    world = await simulatedGithub({ mode, acceptToken: "some-other-token" });
    const error = await world.failure(
      ensureIssue(world.client, REPO, { runId: "r1", title: "t", body: "b" }),
    );
    expect(error.code).toBe("WFM-GITHUB-BAD-CREDENTIALS");
    expect(error.kind).toBe("permanent");
    expect(error.guidance).toBe(
      "GitHub answered 401 Bad credentials: the token in GITHUB_TOKEN or GH_TOKEN is wrong, expired or revoked. Create a new token with access to octo/app, export it, then resume run r1.",
    );
    expect(error.command).toBe('GITHUB_TOKEN="$(gh auth token)" workflowmaster resume r1');
    expect(world.sim.requests()).toHaveLength(1);
    expect(world.sim.requests()[0]?.status).toBe(401);
  });

  it("does not retry a revoked token mid-operation", async () => {
    world = await simulatedGithub({
      mode,
      faults: [{ endpoint: "issues.create", fault: { kind: "token-revoked" } }],
    });
    const error = await world.failure(
      ensureIssue(world.client, REPO, { runId: "r1", title: "t", body: "b" }),
    );
    expect(error.code).toBe("WFM-GITHUB-BAD-CREDENTIALS");
    expect(world.requestsTo("issues.create").map((request) => request.status)).toEqual([401]);
    expect(world.sim.model.issues("octo/app")).toHaveLength(0);
  });

  it("does not retry a 403 permission refusal and names the permission to grant", async () => {
    world = await simulatedGithub({
      mode,
      faults: [{ endpoint: "issues.create", fault: { kind: "permission-denied" } }],
    });
    const error = await world.failure(
      ensureIssue(world.client, REPO, { runId: "r1", title: "t", body: "b" }),
    );
    expect(error.code).toBe("WFM-GITHUB-PERMISSION-DENIED");
    expect(error.kind).toBe("permanent");
    expect(error.guidance).toBe(
      "GitHub refused the request on octo/app: the token needs issues=write. Grant it (fine-grained token or GitHub App settings, or `gh auth refresh -s repo` for a classic token), export the token, then resume run r1.",
    );
    expect(error.command).toBe('GITHUB_TOKEN="$(gh auth token)" workflowmaster resume r1');
    expect(world.requestsTo("issues.create").map((request) => request.status)).toEqual([403]);
    expect(world.sim.model.issues("octo/app")).toHaveLength(0);
  });
});

describe.each(SERVE_MODES)("per-request timeout (%s)", (mode) => {
  it("abandons a hung read after readTimeoutMs and recovers on the next attempt", async () => {
    // The latency is real here (the simulator on the system clock), so the
    // timeout is too; waits between attempts stay on the virtual clock.
    world = await simulatedGithub({
      mode,
      simClock: chaosSystemClock,
      faults: [{ endpoint: "issues.listForRepo", nth: 1, fault: { kind: "latency", ms: 1_500 } }],
      client: { readTimeoutMs: 200 },
    });
    expect(await findIssueByMarker(world.client, REPO, { runId: "r1" })).toBeUndefined();
    // The simulator records the slow request only when it answers, after the test; count sends.
    const lists = world.sent.filter((request) => request.path === "/repos/octo/app/issues");
    expect(lists).toHaveLength(2);
    const timedOut = world.logs.filter((line) =>
      line.message.startsWith("WFM-NET-TIMEOUT after attempt 1"),
    );
    expect(timedOut).toHaveLength(1);
  });
});

describe("token redaction", () => {
  it("keeps the token out of log lines even when it reaches a request body", async () => {
    world = await simulatedGithub({ mode: "in-process" });
    await ensureIssue(world.client, REPO, { runId: "r1", title: "t", body: `oops ${TEST_TOKEN}` });
    const bodies = world.logs.filter((line) => line.message.includes("oops"));
    expect(bodies.length).toBeGreaterThan(0);
    expect(bodies.every((line) => line.message.includes("oops [REDACTED]"))).toBe(true);
  });

  it("refuses bad options without echoing the token", () => {
    expect(() =>
      createGithubClient({
        token: TEST_TOKEN,
        fetch: nodeFetch,
        clock: createVirtualClock(),
        random: seededRandom(1),
        maxWaitMs: -1,
      }),
    ).toThrow("Invalid GitHub client options: `maxWaitMs` Too small: expected number to be >=0.");
  });
});
