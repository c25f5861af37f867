import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  createFaultJournal,
  createGithubSimulator,
  createSeed,
  createTempRepository,
  type GithubFaultRule,
  type GithubSimulator,
  listenHttp,
  type TempRepository,
} from "@workflowmaster/chaos";
import { describe, it } from "vitest";
import { markerFor } from "../github/marker.js";
import { ALERT_COMMENT_PHASE } from "../monitor/sinks/issue-comment-sink.js";
import { systemClock } from "../ports/index.js";
import { stateRoot } from "../state/index.js";
import { memoryIo } from "./fixtures/memory-io.js";
import { runCli } from "./run-cli.js";

/**
 * Alerts during a real `run` (the CLI in-process): a real repository with
 * a bare origin, the GitHub simulator over loopback HTTP backed by it, with
 * injected faults, and a webhook receiver on 127.0.0.1.
 */
const REPO = "acme/widgets";
const TOKEN = "wfm-alerts-token-5Tq8Zr";

interface World {
  temp: TempRepository;
  sim: GithubSimulator;
  apiUrl: string;
}
/** Registers a cleanup with the running test (the tests run concurrently). */
type Defer = (cleanup: () => Promise<void>) => void;

async function world(defer: Defer, faults: GithubFaultRule[]): Promise<World> {
  const temp = await createTempRepository({ prefix: "wfm-alert-run-" });
  // The simulator on the real clock: its latency fault is a real delay the stall timer sees.
  const sim = createGithubSimulator({
    clock: systemClock,
    random: createSeed(7).stream("github"),
    journal: createFaultJournal(systemClock),
    repos: [REPO],
    token: TOKEN,
    faults,
    ...(temp.remoteDir === undefined ? {} : { gitDir: temp.remoteDir }),
  });
  const server = await listenHttp(sim);
  defer(async () => {
    await server.close();
    await temp.cleanup();
  });
  return { temp, sim, apiUrl: server.url };
}

interface Received {
  path: string | undefined;
  body: { text: string; alert: { runId: string; code: string; level: string; message: string } };
}

/** A webhook receiver on 127.0.0.1 answering `status`. */
async function receiver(
  defer: Defer,
  status: number,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        path: request.url,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Received["body"],
      });
      response.statusCode = status;
      response.end(status === 200 ? "ok" : "broken");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  defer(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/s3cr3t-path`, received };
}

// The pull request's creation answers 1.5 s late; its phase stalls after 300 ms.
const SLOW_PULL: GithubFaultRule = {
  endpoint: "pulls.create",
  fault: { kind: "latency", ms: 1500 },
};
// And the issue's creation first answers 502 (retried inside the client).
const FLAKY_ISSUE: GithubFaultRule = {
  endpoint: "issues.create",
  nth: 1,
  fault: { kind: "server-error", status: 502 },
};
const THRESHOLDS = JSON.stringify({ phaseStalledMsByPhase: { "pull-request": 300 } });

async function run(w: World, env: Record<string, string>, extra: string[] = []) {
  const io = memoryIo({
    cwd: w.temp.dir,
    env: {
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: w.apiUrl,
      WORKFLOWMASTER_ALERT_THRESHOLDS: THRESHOLDS,
      ...env,
    },
  });
  const code = await runCli(
    [
      "run",
      "--title",
      "Add a greeting",
      "--implement",
      "echo hello > greeting.txt",
      "--github-repo",
      REPO,
      "--run-id",
      "r1",
      ...extra,
    ],
    io,
  );
  return { code, stdout: io.out(), stderr: io.err() };
}

/** The alert comments on the run's issue (#1), by alert code; `?` when its marker is not the code's. */
function alertComments(sim: GithubSimulator): string[] {
  return sim.model
    .comments(REPO, 1)
    .filter((comment) => comment.body.startsWith("**WorkflowMaster alert**"))
    .map((comment) => {
      const code = /`(ALERT-[A-Z-]+)`/.exec(comment.body)?.[1] ?? "?";
      const marker = markerFor({ runId: "r1", phase: ALERT_COMMENT_PHASE, key: `${code}.r1` });
      return comment.body.includes(marker) ? code : "?";
    });
}

async function alertEvents(dir: string): Promise<string[]> {
  const text = await readFile(join(stateRoot(dir), "runs", "r1", "events.ndjson"), "utf8");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as { type: string; code?: string })
    .filter((event) => event.type === "alert")
    .map((event) => event.code ?? "?");
}

const STALLED =
  /^Phase `pull-request` \(attempt 1\) has had no event for \d+ ms \(threshold 300 ms\): the process may be hung or gone\. Check it with `workflowmaster status r1`; if no process is running it, `workflowmaster resume r1`\.$/;

describe.concurrent("alerts during a real run with injected faults", () => {
  it("posts the stalled-phase alert to the webhook and comments it once on the run's issue", async ({
    expect,
    onTestFinished,
  }) => {
    const w = await world(onTestFinished, [FLAKY_ISSUE, SLOW_PULL]);
    const hook = await receiver(onTestFinished, 200);
    const result = await run(w, { WORKFLOWMASTER_ALERT_WEBHOOK: hook.url });
    expect(result.code, result.stderr).toBe(0);
    expect(hook.received).toHaveLength(1);
    const [post] = hook.received;
    expect(post?.path).toBe("/hooks/s3cr3t-path");
    expect(post?.body.alert.runId).toBe("r1");
    expect(post?.body.alert.code).toBe("ALERT-PHASE-STALLED");
    expect(post?.body.alert.level).toBe("warning");
    expect(post?.body.alert.message).toMatch(STALLED);
    expect(post?.body.text).toBe(
      `[warning] ALERT-PHASE-STALLED run r1: ${post?.body.alert.message}`,
    );
    expect(alertComments(w.sim)).toEqual(["ALERT-PHASE-STALLED"]);
    expect(await alertEvents(w.temp.dir)).toEqual(["ALERT-PHASE-STALLED"]);
    expect(result.stderr.match(/^workflowmaster alert .*$/gm)).toEqual([
      `workflowmaster alert [warning] ALERT-PHASE-STALLED run r1: ${post?.body.alert.message}`,
    ]);
    expect(w.sim.requests().filter((r) => r.endpoint === "issues.create")).toHaveLength(2);
  }, 60_000);

  it("raises a failing webhook as ALERT-SINK-FAILED to the other sinks, and the run still completes", async ({
    expect,
    onTestFinished,
  }) => {
    const w = await world(onTestFinished, [SLOW_PULL]);
    const hook = await receiver(onTestFinished, 500);
    const result = await run(w, { WORKFLOWMASTER_ALERT_WEBHOOK: hook.url });
    expect(result.code, result.stderr).toBe(0);
    expect(hook.received.map((post) => post.body.alert.code)).toEqual(["ALERT-PHASE-STALLED"]);
    expect(alertComments(w.sim)).toEqual(["ALERT-PHASE-STALLED", "ALERT-SINK-FAILED"]);
    expect(await alertEvents(w.temp.dir)).toEqual(["ALERT-PHASE-STALLED", "ALERT-SINK-FAILED"]);
    const origin = new URL(hook.url).origin;
    expect(result.stderr).toContain(
      `workflowmaster alert [warning] ALERT-SINK-FAILED run r1: Alert sink webhook ${origin} could not deliver ALERT-PHASE-STALLED: Webhook ${origin} answered 500 Internal Server Error: broken\n`,
    );
    // The webhook's secret path is never printed.
    expect(result.stderr).not.toContain("s3cr3t-path");
  }, 60_000);

  it("comments nothing with --no-alert-comment, and still alerts elsewhere", async ({
    expect,
    onTestFinished,
  }) => {
    const w = await world(onTestFinished, [SLOW_PULL]);
    const result = await run(w, {}, ["--no-alert-comment"]);
    expect(result.code, result.stderr).toBe(0);
    expect(alertComments(w.sim)).toEqual([]);
    expect(await alertEvents(w.temp.dir)).toEqual(["ALERT-PHASE-STALLED"]);
  }, 60_000);
});

describe.concurrent("alert settings are checked before anything is created", () => {
  it.for<[Record<string, string>, string]>([
    [
      { WORKFLOWMASTER_ALERT_WEBHOOK: "ftp://hooks.example.com/s3cr3t" },
      "Error WFM-CLI-INPUT-INVALID: WORKFLOWMASTER_ALERT_WEBHOOK must be an http:// or https:// URL (its value is not shown: a webhook URL is a secret).",
    ],
    [
      { WORKFLOWMASTER_ALERT_THRESHOLDS: "{retries: 3" },
      "Error WFM-CLI-INPUT-INVALID: WORKFLOWMASTER_ALERT_THRESHOLDS must be a JSON object of thresholds.",
    ],
    [
      { WORKFLOWMASTER_ALERT_THRESHOLDS: '{"phaseStalledMs": 0}' },
      "Error WFM-CLI-INPUT-INVALID: WORKFLOWMASTER_ALERT_THRESHOLDS is not valid: Invalid alert thresholds: `phaseStalledMs`: Too small: expected number to be >=1.",
    ],
  ])("%j exits 2", async ([env, first], { expect, onTestFinished }) => {
    const w = await world(onTestFinished, []);
    const result = await run(w, env);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(first);
    expect(result.stderr).not.toContain("s3cr3t");
    expect(w.sim.model.issues(REPO)).toEqual([]);
  });
});
