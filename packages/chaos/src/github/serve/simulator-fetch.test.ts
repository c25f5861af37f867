import { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../clock/virtual-clock.js";
import { createFaultJournal } from "../../journal/fault-journal.js";
import { createSeed } from "../../seed/create-seed.js";
import { createGithubSimulator } from "../github-simulator.js";
import { simulatorFetch } from "./simulator-fetch.js";

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function harness(seed: number) {
  const clock = createVirtualClock();
  const journal = createFaultJournal(clock);
  const sim = createGithubSimulator({
    clock,
    random: createSeed(seed).stream("github"),
    journal,
    repos: ["octo/demo"],
  });
  const octokit = new Octokit({
    auth: "ghp_simulated",
    request: { fetch: simulatorFetch(sim) },
    log: quiet,
  });
  return { sim, octokit, journal };
}

describe("simulatorFetch", () => {
  it("serves two simulators side by side in one process, each with its own state", async () => {
    const a = harness(1);
    const b = harness(2);
    const [created] = await Promise.all([
      a.octokit.rest.issues.create({ owner: "octo", repo: "demo", title: "only in a" }),
      b.octokit.rest.repos.get({ owner: "octo", repo: "demo" }),
    ]);
    expect(created.status).toBe(201);
    const inA = await a.octokit.rest.issues.listForRepo({ owner: "octo", repo: "demo" });
    const inB = await b.octokit.rest.issues.listForRepo({ owner: "octo", repo: "demo" });
    expect(inA.data.map((issue) => issue.title)).toEqual(["only in a"]);
    expect(inB.data).toEqual([]);
  });

  it("turns a ghost write into the network error a client sees, with the write applied", async () => {
    const { sim, octokit } = harness(3);
    sim.faults.use({ endpoint: "issues.create", times: 1, fault: { kind: "ghost-write" } });
    const error = await octokit.rest.issues
      .create({ owner: "octo", repo: "demo", title: "ghost" })
      .then(
        () => undefined,
        (caught: unknown) => caught as { status: number; message: string },
      );
    expect(error?.status).toBe(500);
    expect(error?.message).toBe("read ECONNRESET");
    const issues = await octokit.rest.issues.listForRepo({ owner: "octo", repo: "demo" });
    expect(issues.data.map((issue) => issue.title)).toEqual(["ghost"]);
  });

  it("rejects with the signal's reason when the client aborts a request the simulator holds, as undici does", async () => {
    const clock = createVirtualClock();
    const sim = createGithubSimulator({
      clock,
      random: createSeed(5).stream("github"),
      journal: createFaultJournal(clock),
      repos: ["octo/demo"],
      // A day of latency: in virtual time, a connection that never answers.
      faults: [{ endpoint: "repos.get", nth: 1, fault: { kind: "latency", ms: 86_400_000 } }],
    });
    const start = clock.now();
    const controller = new AbortController();
    const timer = clock
      .sleep(10_000)
      .then(() => controller.abort(new Error("client gave up after 10 s")));
    const outcome = await simulatorFetch(sim)(`${sim.baseUrl}/repos/octo/demo`, {
      headers: { authorization: "token ghp_simulated" },
      signal: controller.signal,
    }).then(
      (response) => `answered ${response.status}`,
      (error: Error) => error.message,
    );
    await timer;
    expect(outcome).toBe("client gave up after 10 s");
    expect(clock.now() - start).toBe(10_000);
  });

  it("rejects at once for a signal aborted before the request", async () => {
    const { sim } = harness(6);
    const controller = new AbortController();
    controller.abort(new Error("already stopped"));
    await expect(
      simulatorFetch(sim)(`${sim.baseUrl}/repos/octo/demo`, { signal: controller.signal }),
    ).rejects.toThrow("already stopped");
    expect(sim.requests()).toEqual([]);
  });

  it("fails loudly for a host the simulator does not serve", async () => {
    const { sim } = harness(4);
    await expect(simulatorFetch(sim)("https://example.com/x")).rejects.toThrow(
      "fetch failed: the GitHub simulator has no handler for GET https://example.com/x (it serves https://api.github.com).",
    );
  });
});
