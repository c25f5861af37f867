import { createFaultJournal, createGithubSimulator, simulatorFetch } from "@workflowmaster/chaos";
import {
  callGithub,
  createGithubClient,
  createVirtualClock,
  GITHUB_CLIENT_DEFAULTS,
  seededRandom,
} from "@workflowmaster/core";
import { Direction, type Figure } from "../figure.js";
import type { Suite } from "../suite.js";

/** A day: in virtual time, a connection that never answers. */
const HANG_MS = 86_400_000;

export interface HangTimeline {
  /** Virtual ms from the hung request's start until the adapter aborted it. */
  detectMs: number;
  /** Virtual ms from its start until the retry's request started. */
  retryStartedMs: number;
  /** What the call ended with. */
  outcome: string;
}

/**
 * The real GitHub adapter (`createGithubClient` with its defaults, called
 * through `callGithub`) against the in-process simulator, whose first
 * `method` request is accepted and never answered (a day of latency on the
 * virtual clock). The adapter's per-request timeout runs on the same
 * virtual clock, so the figure is exact and deterministic. A fetch wrapper
 * timestamps each request's start and the moment its signal is aborted.
 */
export async function hungConnectionTimeline(method: "GET" | "POST"): Promise<HangTimeline> {
  const clock = createVirtualClock();
  const simulator = createGithubSimulator({
    clock,
    random: seededRandom(13),
    journal: createFaultJournal(clock),
    repos: ["octo/bench"],
    faults: [{ method, nth: 1, fault: { kind: "latency", ms: HANG_MS } }],
  });
  const inner = simulatorFetch(simulator);
  const starts: number[] = [];
  const aborts: number[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    starts.push(clock.now());
    init?.signal?.addEventListener("abort", () => aborts.push(clock.now()), { once: true });
    return inner(input, init);
  };
  const client = createGithubClient({
    token: "bench-token",
    fetch,
    clock,
    timeoutClock: clock,
    random: seededRandom(7),
    runId: "bench-hang",
  });
  if (method === "POST") {
    // A write is never sent twice blindly by the adapter's callers; here only the first timeout is timed.
    const outcome = await client.rest.issues
      .create({ owner: "octo", repo: "bench", title: "hung" })
      .then(
        (response) => `answered ${response.status}`,
        (error: Error) => error.message,
      );
    return {
      detectMs: (aborts[0] ?? Number.NaN) - (starts[0] ?? Number.NaN),
      retryStartedMs: Number.NaN,
      outcome,
    };
  }
  await client.rest.issues.create({ owner: "octo", repo: "bench", title: "present" });
  const first = starts.length;
  const outcome = await callGithub(
    client,
    (signal) =>
      client.rest.issues.get({
        owner: "octo",
        repo: "bench",
        issue_number: 1,
        request: { signal },
      }),
    { phase: "issue" },
  ).then(
    (response) => `answered ${response.status} after ${starts.length - first} requests`,
    (error: Error) => error.message,
  );
  const hungStart = starts[first] ?? Number.NaN;
  return {
    detectMs: (aborts[0] ?? Number.NaN) - hungStart,
    retryStartedMs: (starts[first + 1] ?? Number.NaN) - hungStart,
    outcome,
  };
}

export const hungConnectionSuite: Suite = {
  name: "hung-connection",
  async run(context) {
    context.log("hung-connection: time to detect a GitHub request that never answers (virtual)");
    const read = await hungConnectionTimeline("GET");
    const write = await hungConnectionTimeline("POST");
    if (!read.outcome.startsWith("answered 200")) {
      throw new Error(`The hung read did not recover on its retry: ${read.outcome}`);
    }
    const figure: Figure = {
      id: "retry.hung-detect-seconds",
      suite: "hung-connection",
      title: "Time to detect a hung GitHub connection, virtual seconds (default client, a read)",
      value: read.detectMs / 1000,
      direction: Direction.LowerIsBetter,
      target: 10,
      details: {
        "read: aborted after s": read.detectMs / 1000,
        "read: retry sent after s": read.retryStartedMs / 1000,
        "read: outcome": read.outcome,
        "write: aborted after s": write.detectMs / 1000,
        "write: outcome": write.outcome,
        "client readTimeoutMs default": GITHUB_CLIENT_DEFAULTS.readTimeoutMs,
        "client requestTimeoutMs (writes) default": GITHUB_CLIENT_DEFAULTS.requestTimeoutMs,
      },
    };
    return [figure];
  },
};
