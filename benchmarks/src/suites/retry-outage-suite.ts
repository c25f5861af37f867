import { createFaultJournal, createGithubSimulator, simulatorFetch } from "@workflowmaster/chaos";
import {
  callGithub,
  createGithubClient,
  createRetryBudget,
  createVirtualClock,
  type RetryBudget,
  seededRandom,
} from "@workflowmaster/core";
import { Direction, type Figure } from "../figure.js";
import type { Suite } from "../suite.js";

/** Ten minutes of virtual time during which every GitHub request fails with 503. */
export const OUTAGE_MS = 10 * 60_000;
/** One logical call (one `callGithub`) starts every this many virtual ms. */
export const CALL_EVERY_MS = 5_000;

type Mode = "no-retries" | "budget" | "retries-without-budget";

/**
 * Requests that reach the GitHub simulator while it answers every request
 * with 503 for ten virtual minutes, a call starting every 5 s, made through
 * the real GitHub adapter (`createGithubClient` + `callGithub`). Counts
 * requests, not time: deterministic, from one seed.
 */
export async function requestsDuringOutage(mode: Mode): Promise<number> {
  const clock = createVirtualClock();
  const start = clock.now();
  const simulator = createGithubSimulator({
    clock,
    random: seededRandom(11),
    journal: createFaultJournal(clock),
    repos: ["octo/bench"],
    faults: [{ fault: { kind: "server-error", status: 503 } }],
  });
  const budget: RetryBudget | undefined =
    mode === "budget" ? createRetryBudget({}, clock) : undefined;
  const client = createGithubClient({
    token: "bench-token",
    fetch: simulatorFetch(simulator),
    clock,
    timeoutClock: clock,
    random: seededRandom(7),
    runId: "bench-outage",
    ...(budget === undefined ? {} : { budget }),
    retry: { maxAttempts: mode === "no-retries" ? 1 : 5 },
  });
  const calls: Promise<void>[] = [];
  for (let at = 0; at < OUTAGE_MS; at += CALL_EVERY_MS) {
    calls.push(
      (async () => {
        await clock.sleep(at);
        try {
          await callGithub(
            client,
            (signal) =>
              client.rest.issues.get({
                owner: "octo",
                repo: "bench",
                issue_number: 1,
                request: { signal },
              }),
            { phase: "issue" },
          );
        } catch (error) {
          // Every call is expected to fail: the outage is total.
          if (!(error instanceof Error)) throw error;
          return;
        }
        throw new Error("A call succeeded during a total outage: the fault did not fire.");
      })(),
    );
  }
  await Promise.all(calls);
  // Only what arrived inside the outage window: retries of late calls may run past it.
  return simulator.requests().filter((request) => Date.parse(request.at) < start + OUTAGE_MS)
    .length;
}

export const retryOutageSuite: Suite = {
  name: "retry-outage",
  async run(context) {
    context.log("retry-outage: requests during a 10-minute total outage (virtual time)");
    const bare = await requestsDuringOutage("no-retries");
    const budgeted = await requestsDuringOutage("budget");
    const unbudgeted = await requestsDuringOutage("retries-without-budget");
    const figure: Figure = {
      id: "retry.outage-requests",
      suite: "retry-outage",
      title: "Requests in a 10-min total outage: retry budget / no retries",
      value: budgeted / bare,
      direction: Direction.LowerIsBetter,
      target: 1.2,
      details: {
        "requests, no retries": bare,
        "requests, retry budget": budgeted,
        "requests, retries without budget": unbudgeted,
        "calls started": OUTAGE_MS / CALL_EVERY_MS,
        "call every ms": CALL_EVERY_MS,
      },
    };
    return [figure];
  },
};
