import { afterAll, describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { createSeed } from "../seed/create-seed.js";
import { type ConformanceRecord, createConformanceRecorder } from "./conformance-recorder.js";
import type { GithubFault } from "./faults/github-fault.js";
import { createGithubSimulator, type GithubSimulator } from "./github-simulator.js";
import { GITHUB_ENDPOINTS } from "./handlers/github-endpoints.js";
import { loadGithubOpenApiValidator, operationIdOf } from "./openapi-validator.js";
import { listenInProcess } from "./serve/listen-in-process.js";

const validator = loadGithubOpenApiValidator();
const records: ConformanceRecord[] = [];

interface Fixture {
  readonly sim: GithubSimulator;
  readonly mainSha: string;
  readonly featureSha: string;
}

interface Call {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly raw?: string;
  /** `null`: no authorization header. */
  readonly token?: string | null;
}

/**
 * A simulator with one repository holding issue #1 (with a comment), a
 * branch `feature` one commit ahead of main, and pull #2 from `topic`.
 */
async function fixture(
  options: { contentCreationLimit?: { perMinute: number } } = {},
): Promise<Fixture> {
  const clock = createVirtualClock();
  const sim = createGithubSimulator({
    clock,
    journal: createFaultJournal(clock),
    random: createSeed(1).stream("github"),
    repos: ["octo/app"],
    ...options,
  });
  sim.faults.preexistingIssue({ title: "issue one", body: "marker-1" });
  sim.model.createComment("octo/app", 1, "a comment");
  const featureSha = await sim.faults.preexistingBranch({ branch: "feature" });
  await sim.faults.preexistingPull({ head: "topic", title: "pull two" });
  const mainSha = (await sim.model.git("octo/app").getRef("refs/heads/main")) as string;
  return { sim, mainSha, featureSha };
}

/** A request each endpoint answers with success on the fixture. */
const SUCCESS: Record<string, (f: Fixture) => Call> = {
  "repos.get": () => ({ method: "GET", path: "/repos/octo/app" }),
  "issues.create": () => ({
    method: "POST",
    path: "/repos/octo/app/issues",
    body: { title: "t", labels: ["bug"] },
  }),
  "issues.get": () => ({ method: "GET", path: "/repos/octo/app/issues/1" }),
  "issues.listForRepo": () => ({ method: "GET", path: "/repos/octo/app/issues?state=all" }),
  "issues.update": () => ({
    method: "PATCH",
    path: "/repos/octo/app/issues/1",
    body: { state: "closed" },
  }),
  "issues.createComment": () => ({
    method: "POST",
    path: "/repos/octo/app/issues/1/comments",
    body: { body: "c" },
  }),
  "issues.listComments": () => ({ method: "GET", path: "/repos/octo/app/issues/1/comments" }),
  "issues.createLabel": () => ({
    method: "POST",
    path: "/repos/octo/app/labels",
    body: { name: "wfm", color: "ff0000" },
  }),
  "issues.listLabelsForRepo": () => ({ method: "GET", path: "/repos/octo/app/labels" }),
  "search.issuesAndPullRequests": () => ({
    method: "GET",
    path: "/search/issues?q=marker-1+is:issue+repo:octo/app",
  }),
  "git.getRef": () => ({ method: "GET", path: "/repos/octo/app/git/ref/heads/main" }),
  "git.listMatchingRefs": () => ({
    method: "GET",
    path: "/repos/octo/app/git/matching-refs/heads",
  }),
  "git.createRef": (f) => ({
    method: "POST",
    path: "/repos/octo/app/git/refs",
    body: { ref: "refs/heads/new", sha: f.mainSha },
  }),
  "git.updateRef": (f) => ({
    method: "PATCH",
    path: "/repos/octo/app/git/refs/heads/main",
    body: { sha: f.featureSha },
  }),
  "git.deleteRef": () => ({ method: "DELETE", path: "/repos/octo/app/git/refs/heads/feature" }),
  "pulls.create": () => ({
    method: "POST",
    path: "/repos/octo/app/pulls",
    body: { title: "p", head: "feature", base: "main" },
  }),
  "pulls.get": () => ({ method: "GET", path: "/repos/octo/app/pulls/2" }),
  "pulls.list": () => ({ method: "GET", path: "/repos/octo/app/pulls?state=all" }),
  "pulls.update": () => ({
    method: "PATCH",
    path: "/repos/octo/app/pulls/2",
    body: { title: "renamed" },
  }),
  "rateLimit.get": () => ({ method: "GET", path: "/rate_limit" }),
  "users.getAuthenticated": () => ({ method: "GET", path: "/user" }),
  unknown: () => ({ method: "GET", path: "/repos/octo/app/no-such-route" }),
};

/** Each endpoint's own error responses: [why, request, expected status]. */
type ErrorCase = readonly [string, (f: Fixture) => Call | Promise<Call>, number];
const emptyRepo = async (f: Fixture, call: Call): Promise<Call> => {
  for (const ref of await f.sim.model.git("octo/app").listRefs())
    await f.sim.model.git("octo/app").deleteRef(ref.ref);
  return call;
};
const ERRORS: Record<string, readonly ErrorCase[]> = {
  "repos.get": [
    ["missing repository", () => ({ method: "GET", path: "/repos/octo/missing" }), 404],
  ],
  "issues.create": [
    [
      "no token",
      () => ({ method: "POST", path: "/repos/octo/app/issues", body: { title: "t" }, token: null }),
      401,
    ],
    ["bad JSON", () => ({ method: "POST", path: "/repos/octo/app/issues", raw: "{" }), 400],
    ["not an object", () => ({ method: "POST", path: "/repos/octo/app/issues", raw: '"x"' }), 400],
    ["missing title", () => ({ method: "POST", path: "/repos/octo/app/issues", body: {} }), 422],
    [
      "bad labels",
      () => ({ method: "POST", path: "/repos/octo/app/issues", body: { title: "t", labels: [1] } }),
      422,
    ],
    [
      "missing repository",
      () => ({ method: "POST", path: "/repos/octo/missing/issues", body: { title: "t" } }),
      404,
    ],
  ],
  "issues.get": [
    ["missing issue", () => ({ method: "GET", path: "/repos/octo/app/issues/99" }), 404],
  ],
  "issues.listForRepo": [
    ["bad since", () => ({ method: "GET", path: "/repos/octo/app/issues?since=yesterday" }), 422],
    ["missing repository", () => ({ method: "GET", path: "/repos/octo/missing/issues" }), 404],
  ],
  "issues.update": [
    [
      "bad state",
      () => ({ method: "PATCH", path: "/repos/octo/app/issues/1", body: { state: "done" } }),
      422,
    ],
    [
      "mistyped title",
      () => ({ method: "PATCH", path: "/repos/octo/app/issues/1", body: { title: [] } }),
      422,
    ],
    [
      "missing issue",
      () => ({ method: "PATCH", path: "/repos/octo/app/issues/99", body: { title: "x" } }),
      404,
    ],
    [
      "no token",
      () => ({
        method: "PATCH",
        path: "/repos/octo/app/issues/1",
        body: { title: "x" },
        token: null,
      }),
      401,
    ],
    ["bad JSON", () => ({ method: "PATCH", path: "/repos/octo/app/issues/1", raw: "[" }), 400],
  ],
  "issues.createComment": [
    [
      "missing body",
      () => ({ method: "POST", path: "/repos/octo/app/issues/1/comments", body: {} }),
      422,
    ],
    [
      "missing issue",
      () => ({ method: "POST", path: "/repos/octo/app/issues/99/comments", body: { body: "c" } }),
      404,
    ],
    [
      "no token",
      () => ({
        method: "POST",
        path: "/repos/octo/app/issues/1/comments",
        body: { body: "c" },
        token: null,
      }),
      401,
    ],
    [
      "bad JSON",
      () => ({ method: "POST", path: "/repos/octo/app/issues/1/comments", raw: "{" }),
      400,
    ],
  ],
  "issues.listComments": [
    ["missing issue", () => ({ method: "GET", path: "/repos/octo/app/issues/99/comments" }), 404],
    [
      "bad since",
      () => ({ method: "GET", path: "/repos/octo/app/issues/1/comments?since=x" }),
      422,
    ],
  ],
  "issues.createLabel": [
    [
      "duplicate",
      () => ({ method: "POST", path: "/repos/octo/app/labels", body: { name: "Bug" } }),
      422,
    ],
    [
      "bad color",
      () => ({ method: "POST", path: "/repos/octo/app/labels", body: { name: "x", color: "red" } }),
      422,
    ],
    ["missing name", () => ({ method: "POST", path: "/repos/octo/app/labels", body: {} }), 422],
    [
      "missing repository",
      () => ({ method: "POST", path: "/repos/octo/missing/labels", body: { name: "x" } }),
      404,
    ],
    [
      "no token",
      () => ({ method: "POST", path: "/repos/octo/app/labels", body: { name: "x" }, token: null }),
      401,
    ],
    ["bad JSON", () => ({ method: "POST", path: "/repos/octo/app/labels", raw: "{" }), 400],
  ],
  "issues.listLabelsForRepo": [
    ["missing repository", () => ({ method: "GET", path: "/repos/octo/missing/labels" }), 404],
  ],
  "search.issuesAndPullRequests": [
    ["no q", () => ({ method: "GET", path: "/search/issues" }), 422],
    ["no is:", () => ({ method: "GET", path: "/search/issues?q=marker-1" }), 422],
    [
      "unknown repository",
      () => ({ method: "GET", path: "/search/issues?q=is:pr+repo:octo/missing" }),
      422,
    ],
  ],
  "git.getRef": [
    ["missing ref", () => ({ method: "GET", path: "/repos/octo/app/git/ref/heads/nope" }), 404],
    [
      "empty repository",
      (f) => emptyRepo(f, { method: "GET", path: "/repos/octo/app/git/ref/heads/main" }),
      409,
    ],
    [
      "missing repository",
      () => ({ method: "GET", path: "/repos/octo/missing/git/ref/heads/main" }),
      404,
    ],
  ],
  "git.listMatchingRefs": [
    [
      "empty repository",
      (f) => emptyRepo(f, { method: "GET", path: "/repos/octo/app/git/matching-refs/heads" }),
      409,
    ],
    [
      "missing repository",
      () => ({ method: "GET", path: "/repos/octo/missing/git/matching-refs/heads" }),
      404,
    ],
  ],
  "git.createRef": [
    [
      "exists",
      (f) => ({
        method: "POST",
        path: "/repos/octo/app/git/refs",
        body: { ref: "refs/heads/main", sha: f.mainSha },
      }),
      422,
    ],
    [
      "unknown sha",
      () => ({
        method: "POST",
        path: "/repos/octo/app/git/refs",
        body: { ref: "refs/heads/x", sha: "a".repeat(40) },
      }),
      422,
    ],
    [
      "clash",
      (f) => ({
        method: "POST",
        path: "/repos/octo/app/git/refs",
        body: { ref: "refs/heads/main/x", sha: f.mainSha },
      }),
      422,
    ],
    [
      "bad name",
      (f) => ({
        method: "POST",
        path: "/repos/octo/app/git/refs",
        body: { ref: "heads/x", sha: f.mainSha },
      }),
      422,
    ],
    [
      "missing sha",
      () => ({ method: "POST", path: "/repos/octo/app/git/refs", body: { ref: "refs/heads/x" } }),
      422,
    ],
    [
      "empty repository",
      (f) =>
        emptyRepo(f, {
          method: "POST",
          path: "/repos/octo/app/git/refs",
          body: { ref: "refs/heads/x", sha: f.mainSha },
        }),
      409,
    ],
    [
      "missing repository",
      (f) => ({
        method: "POST",
        path: "/repos/octo/missing/git/refs",
        body: { ref: "refs/heads/x", sha: f.mainSha },
      }),
      404,
    ],
    [
      "no token",
      (f) => ({
        method: "POST",
        path: "/repos/octo/app/git/refs",
        body: { ref: "refs/heads/x", sha: f.mainSha },
        token: null,
      }),
      401,
    ],
    ["bad JSON", () => ({ method: "POST", path: "/repos/octo/app/git/refs", raw: "{" }), 400],
  ],
  "git.updateRef": [
    [
      "not a fast forward",
      (f) => ({
        method: "PATCH",
        path: "/repos/octo/app/git/refs/heads/feature",
        body: { sha: f.mainSha },
      }),
      422,
    ],
    [
      "missing ref",
      (f) => ({
        method: "PATCH",
        path: "/repos/octo/app/git/refs/heads/nope",
        body: { sha: f.mainSha },
      }),
      422,
    ],
    [
      "unknown sha",
      () => ({
        method: "PATCH",
        path: "/repos/octo/app/git/refs/heads/main",
        body: { sha: "b".repeat(40) },
      }),
      422,
    ],
    [
      "empty repository",
      (f) =>
        emptyRepo(f, {
          method: "PATCH",
          path: "/repos/octo/app/git/refs/heads/main",
          body: { sha: f.mainSha },
        }),
      409,
    ],
    [
      "missing repository",
      (f) => ({
        method: "PATCH",
        path: "/repos/octo/missing/git/refs/heads/main",
        body: { sha: f.mainSha },
      }),
      404,
    ],
  ],
  "git.deleteRef": [
    ["missing ref", () => ({ method: "DELETE", path: "/repos/octo/app/git/refs/heads/nope" }), 422],
    [
      "empty repository",
      (f) => emptyRepo(f, { method: "DELETE", path: "/repos/octo/app/git/refs/heads/main" }),
      409,
    ],
    [
      "missing repository",
      () => ({ method: "DELETE", path: "/repos/octo/missing/git/refs/heads/main" }),
      404,
    ],
  ],
  "pulls.create": [
    [
      "already exists",
      () => ({
        method: "POST",
        path: "/repos/octo/app/pulls",
        body: { title: "p", head: "topic", base: "main" },
      }),
      422,
    ],
    [
      "no commits",
      () => ({
        method: "POST",
        path: "/repos/octo/app/pulls",
        body: { title: "p", head: "main", base: "main" },
      }),
      422,
    ],
    [
      "head invalid",
      () => ({
        method: "POST",
        path: "/repos/octo/app/pulls",
        body: { title: "p", head: "nope", base: "main" },
      }),
      422,
    ],
    [
      "base invalid",
      () => ({
        method: "POST",
        path: "/repos/octo/app/pulls",
        body: { title: "p", head: "feature", base: "nope" },
      }),
      422,
    ],
    [
      "missing title",
      () => ({
        method: "POST",
        path: "/repos/octo/app/pulls",
        body: { head: "feature", base: "main" },
      }),
      422,
    ],
    [
      "missing head",
      () => ({ method: "POST", path: "/repos/octo/app/pulls", body: { title: "p", base: "main" } }),
      422,
    ],
    [
      "missing repository",
      () => ({
        method: "POST",
        path: "/repos/octo/missing/pulls",
        body: { title: "p", head: "feature", base: "main" },
      }),
      404,
    ],
    [
      "no token",
      () => ({
        method: "POST",
        path: "/repos/octo/app/pulls",
        body: { title: "p", head: "feature", base: "main" },
        token: null,
      }),
      401,
    ],
    ["bad JSON", () => ({ method: "POST", path: "/repos/octo/app/pulls", raw: "{" }), 400],
  ],
  "pulls.get": [["missing pull", () => ({ method: "GET", path: "/repos/octo/app/pulls/1" }), 404]],
  "pulls.list": [
    ["bad state", () => ({ method: "GET", path: "/repos/octo/app/pulls?state=merged" }), 422],
    ["missing repository", () => ({ method: "GET", path: "/repos/octo/missing/pulls" }), 404],
  ],
  "pulls.update": [
    [
      "bad state",
      () => ({ method: "PATCH", path: "/repos/octo/app/pulls/2", body: { state: "merged" } }),
      422,
    ],
    [
      "bad base",
      () => ({ method: "PATCH", path: "/repos/octo/app/pulls/2", body: { base: "nope" } }),
      422,
    ],
    [
      "missing pull",
      () => ({ method: "PATCH", path: "/repos/octo/app/pulls/99", body: { title: "x" } }),
      404,
    ],
    [
      "no token",
      () => ({
        method: "PATCH",
        path: "/repos/octo/app/pulls/2",
        body: { title: "x" },
        token: null,
      }),
      401,
    ],
    ["bad JSON", () => ({ method: "PATCH", path: "/repos/octo/app/pulls/2", raw: "{" }), 400],
  ],
  "rateLimit.get": [],
  "users.getAuthenticated": [
    ["no token", () => ({ method: "GET", path: "/user", token: null }), 401],
  ],
  unknown: [],
};

/** Every fault that answers, with the status it answers with. */
const FAULTS: readonly (readonly [GithubFault, number])[] = [
  [{ kind: "primary-rate-limit" }, 403],
  [{ kind: "primary-rate-limit", status: 429 }, 429],
  [{ kind: "secondary-rate-limit", retryAfterSeconds: 60 }, 403],
  [{ kind: "secondary-rate-limit", status: 429 }, 429],
  [{ kind: "server-error" }, 502],
  [{ kind: "server-error", status: 500 }, 500],
  [{ kind: "server-error", status: 503 }, 503],
  [{ kind: "permission-denied" }, 403],
  [{ kind: "token-revoked" }, 401],
  [{ kind: "ghost-write", response: 502 }, 502],
];

async function send(f: Fixture, call: Call): Promise<number> {
  const recorder = createConformanceRecorder(f.sim, validator);
  const stop = listenInProcess(f.sim);
  try {
    const token = call.token === undefined ? "ghp_conformance" : call.token;
    const response = await recorder.fetch(`${f.sim.baseUrl}${call.path}`, {
      method: call.method,
      headers: {
        ...(token === null ? {} : { authorization: `token ${token}` }),
        ...(call.body === undefined && call.raw === undefined
          ? {}
          : { "content-type": "application/json" }),
      },
      ...(call.body === undefined && call.raw === undefined
        ? {}
        : { body: call.raw ?? JSON.stringify(call.body) }),
    });
    return response.status;
  } finally {
    stop();
    records.push(...recorder.records());
  }
}

const endpointNames = [...GITHUB_ENDPOINTS.map((endpoint) => endpoint.name), "unknown"];

describe("conformance with GitHub's OpenAPI description (api.github.com, @octokit/openapi 23.0.2)", () => {
  afterAll(() => {
    const combinations = new Set(records.map((record) => `${record.endpoint} ${record.status}`));
    const bySource = records.reduce<Record<string, number>>((counts, record) => {
      counts[record.source] = (counts[record.source] ?? 0) + 1;
      return counts;
    }, {});
    process.stdout.write(
      `conformance: ${combinations.size} endpoint × status combinations, ${records.length} responses validated, ${records.filter((record) => !record.valid).length} failures; by schema: ${JSON.stringify(bySource)}\n`,
    );
  });

  it("knows every endpoint the simulator serves as an operation of the document", () => {
    expect(
      endpointNames.filter(
        (name) => name !== "unknown" && !validator.hasOperation(operationIdOf(name)),
      ),
    ).toEqual([]);
    expect(Object.keys(SUCCESS).sort()).toEqual([...endpointNames].sort());
  });

  it.each(endpointNames)(
    "%s: success, its own errors and every fault response match the schema",
    async (name) => {
      const seen: number[] = [];
      const success = SUCCESS[name] as (f: Fixture) => Call;
      {
        const f = await fixture();
        seen.push(await send(f, success(f)));
      }
      for (const [why, build, status] of ERRORS[name] ?? []) {
        const f = await fixture();
        const got = await send(f, await build(f));
        expect(`${why}: ${got}`).toBe(`${why}: ${status}`);
        seen.push(got);
      }
      for (const [fault, status] of FAULTS) {
        const f = await fixture();
        f.sim.faults.use({ endpoint: name, nth: 1, fault });
        const got = await send(f, success(f));
        // GET /rate_limit is never counted, so an emptied bucket still answers it.
        const expected =
          name === "rateLimit.get" && fault.kind === "primary-rate-limit" ? 200 : status;
        expect(`${fault.kind}: ${got}`).toBe(`${fault.kind}: ${expected}`);
        seen.push(got);
      }
      const failures = records.filter((record) => record.endpoint === name && !record.valid);
      expect(failures).toEqual([]);
      expect(records.filter((record) => record.endpoint === name).length).toBe(seen.length);
    },
  );

  it("validates the content-creation limit response of every creating endpoint", async () => {
    for (const name of ["issues.create", "issues.createComment", "pulls.create"]) {
      const f = await fixture({ contentCreationLimit: { perMinute: 1 } });
      const build = SUCCESS[name] as (f: Fixture) => Call;
      const statuses = [await send(f, build(f)), await send(f, build(f))];
      expect(statuses[1]).toBe(403);
    }
    expect(records.filter((record) => !record.valid)).toEqual([]);
  });

  it("covers every endpoint × status combination the simulator produces, with no failure", () => {
    const combinations = [
      ...new Set(records.map((record) => `${record.endpoint} ${record.status}`)),
    ].sort();
    const common = ["401", "403", "429", "500", "502", "503"];
    const expected = Object.entries({
      "repos.get": ["200", "404"],
      "issues.create": ["201", "400", "404", "422"],
      "issues.get": ["200", "404"],
      "issues.listForRepo": ["200", "404", "422"],
      "issues.update": ["200", "400", "404", "422"],
      "issues.createComment": ["201", "400", "404", "422"],
      "issues.listComments": ["200", "404", "422"],
      "issues.createLabel": ["201", "400", "404", "422"],
      "issues.listLabelsForRepo": ["200", "404"],
      "search.issuesAndPullRequests": ["200", "422"],
      "git.getRef": ["200", "404", "409"],
      "git.listMatchingRefs": ["200", "404", "409"],
      "git.createRef": ["201", "400", "404", "409", "422"],
      "git.updateRef": ["200", "404", "409", "422"],
      "git.deleteRef": ["204", "404", "409", "422"],
      "pulls.create": ["201", "400", "404", "422"],
      "pulls.get": ["200", "404"],
      "pulls.list": ["200", "404", "422"],
      "pulls.update": ["200", "400", "404", "422"],
      "rateLimit.get": ["200"],
      "users.getAuthenticated": ["200"],
      unknown: ["404"],
    })
      .flatMap(([name, statuses]) =>
        [...new Set([...statuses, ...common])].map((status) => `${name} ${status}`),
      )
      .sort();
    expect(combinations).toEqual(expected);
    expect(records.filter((record) => !record.valid)).toEqual([]);
  });
});
