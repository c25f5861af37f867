import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorKind } from "../errors/index.js";
import { ALERT_CODES, listActiveAlerts, type WorkflowEvent } from "../monitor/index.js";
import { nodePorts } from "../ports/index.js";
import { stateRoot } from "../state/index.js";
import { type DashboardServer, startDashboardServer } from "./dashboard-server.js";
import { TOKEN_HEADER } from "./request-guard.js";

const AT = "2026-11-29T10:00:00.000Z";
/** Not a `ghp_` shape: only the literal pass of the redactor can catch it. */
const ENV_TOKEN = "plain-env-secret-4f9a1c77e2";
const PATTERN_TOKEN = `ghp_${"a1B2c3D4".repeat(5)}`;
const PAGE_TOKEN = "page-token-0123456789abcdef";

const retrying = (attempt: number): WorkflowEvent => ({
  type: "phase.retrying",
  runId: "r1",
  phase: "push",
  attempt,
  delayMs: 1000,
  cause: { code: "WFM-NET-RESET", kind: ErrorKind.Transient, message: "reset", guidance: "wait" },
});

/** r1: 11 retries (error-rate and retries alerts); r2: clean, with both tokens in an error message. */
const RUNS: Record<string, WorkflowEvent[]> = {
  r1: [
    { type: "run.started", runId: "r1", workflow: "dev" },
    { type: "phase.started", runId: "r1", phase: "push", attempt: 1 },
    ...Array.from({ length: 11 }, (_, index) => retrying(index + 1)),
  ],
  r2: [
    { type: "run.started", runId: "r2", workflow: "dev" },
    { type: "phase.completed", runId: "r2", phase: "issue", durationMs: 400 },
    {
      type: "run.paused",
      runId: "r2",
      error: {
        code: "WFM-GITHUB-BAD-CREDENTIALS",
        kind: ErrorKind.Permanent,
        message: `GitHub refused token ${ENV_TOKEN} (also tried ${PATTERN_TOKEN}).`,
        guidance: `Renew ${ENV_TOKEN}.`,
      },
    },
  ],
};

let repoDir: string;
let server: DashboardServer;
let logged: string[];

const line = (event: WorkflowEvent) => `${JSON.stringify({ at: AT, ...event })}\n`;
const eventsPath = (runId: string) => join(stateRoot(repoDir), "runs", runId, "events.ndjson");

async function writeRun(runId: string, events: WorkflowEvent[], extra = "") {
  await mkdir(join(stateRoot(repoDir), "runs", runId), { recursive: true });
  await writeFile(eventsPath(runId), events.map(line).join("") + extra);
}

beforeEach(async () => {
  repoDir = await mkdtemp(join(tmpdir(), "wfm-dashboard-"));
  await mkdir(join(repoDir, ".git"));
  for (const [runId, events] of Object.entries(RUNS)) await writeRun(runId, events);
  logged = [];
  server = await startDashboardServer({
    repoDir,
    ports: nodePorts(),
    env: { GITHUB_TOKEN: ENV_TOKEN },
    log: (text) => logged.push(text),
    token: PAGE_TOKEN,
    pollMs: 20,
  });
});
afterEach(async () => {
  await server.close();
  await rm(repoDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP (fetch may not set Host), to the server's loopback port. */
function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        method,
        path,
        headers: { host: `127.0.0.1:${server.port}`, ...headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const origin = () => `http://127.0.0.1:${server.port}`;
const ack = (body: unknown, headers: Record<string, string> = {}) =>
  send(
    "POST",
    "/api/alerts/ack",
    {
      origin: origin(),
      [TOKEN_HEADER]: PAGE_TOKEN,
      "content-type": "application/json",
      ...headers,
    },
    typeof body === "string" ? body : JSON.stringify(body),
  );

/** Opens the event stream and collects its messages until `until` holds. */
function stream(until: (messages: { event: string; data: unknown }[]) => boolean) {
  return new Promise<{ event: string; data: unknown }[]>((resolve, reject) => {
    const messages: { event: string; data: unknown }[] = [];
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        path: "/api/stream",
        headers: { host: `localhost:${server.port}` },
      },
      (res) => {
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event !== undefined && data !== undefined) {
              messages.push({ event, data: JSON.parse(data) });
            }
            end = buffer.indexOf("\n\n");
          }
          if (until(messages)) {
            req.destroy();
            resolve(messages);
          }
        });
      },
    );
    req.on("error", (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
}

describe("the Host header (DNS rebinding)", () => {
  it("refuses any Host but 127.0.0.1:PORT and localhost:PORT with 403, and logs it", async () => {
    const expected = `Refused: this dashboard answers only to Host 127.0.0.1:${server.port} or localhost:${server.port}, not "evil.example:${server.port}".\n`;
    const answer = await send("GET", "/", { host: `evil.example:${server.port}` });
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 403, body: expected });
    const otherPort = await send("GET", "/api/model", { host: "127.0.0.1:1" });
    expect(otherPort.status).toBe(403);
    const post = await ack({ runId: "r1", code: "ALERT-RETRIES" }, { host: "attacker.test" });
    expect(post.status).toBe(403);
    expect(logged[0]).toBe(`dashboard: refused GET / (403): ${expected}`);
    expect(logged).toHaveLength(3);
    expect((await readFile(eventsPath("r1"), "utf8")).includes("alert.acknowledged")).toBe(false);
  });

  it("serves the page with its token and a strict Content-Security-Policy to both loopback names", async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`]) {
      const page = await send("GET", "/", { host });
      expect(page.status).toBe(200);
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(page.body).toContain(`<meta name="workflowmaster-token" content="${PAGE_TOKEN}">`);
      expect(page.headers["content-security-policy"]).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
    }
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });
});

describe("acknowledging an alert over HTTP", () => {
  it("appends alert.acknowledged, as `alerts --ack` does, after which the alert is no longer active", async () => {
    const answer = await ack({ runId: "r1", code: "ALERT-RETRIES" });
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: '{"acknowledged":{"runId":"r1","code":"ALERT-RETRIES"}}\n',
    });
    const last = JSON.parse(
      (await readFile(eventsPath("r1"), "utf8")).trimEnd().split("\n").at(-1) ?? "",
    );
    expect(Object.keys(last).sort()).toEqual(["at", "code", "runId", "type"]);
    expect(last).toMatchObject({ type: "alert.acknowledged", runId: "r1", code: "ALERT-RETRIES" });
    expect(server.model().alerts.map((alert) => alert.code)).toEqual(["ALERT-ERROR-RATE"]);
    const listed = await listActiveAlerts({ fs: nodePorts().fs, root: stateRoot(repoDir) });
    expect(listed.alerts.map((alert) => `${alert.runId} ${alert.code}`)).toEqual([
      "r1 ALERT-ERROR-RATE",
    ]);
  });

  it("refuses a cross-origin or Origin-less POST with 403", async () => {
    const origins = `http://127.0.0.1:${server.port} or http://localhost:${server.port}`;
    expect(
      await ack({ runId: "r1", code: "ALERT-RETRIES" }, { origin: "http://evil.example" }),
    ).toMatchObject({
      status: 403,
      body: `Refused: acknowledging is allowed only from the dashboard's own page (Origin ${origins}), not "http://evil.example".\n`,
    });
    const noOrigin = await send(
      "POST",
      "/api/alerts/ack",
      { [TOKEN_HEADER]: PAGE_TOKEN, "content-type": "application/json" },
      '{"runId":"r1","code":"ALERT-RETRIES"}',
    );
    expect(noOrigin).toMatchObject({
      status: 403,
      body: `Refused: acknowledging is allowed only from the dashboard's own page (Origin ${origins}), not "(none)".\n`,
    });
  });

  it("refuses a missing or wrong token with 403", async () => {
    const expected = {
      status: 403,
      body: "Refused: the request lacks this dashboard's token (header x-workflowmaster-token); reload the page.\n",
    };
    expect(
      await ack({ runId: "r1", code: "ALERT-RETRIES" }, { [TOKEN_HEADER]: "wrong" }),
    ).toMatchObject(expected);
    const none = await send(
      "POST",
      "/api/alerts/ack",
      { origin: origin(), "content-type": "application/json" },
      '{"runId":"r1","code":"ALERT-RETRIES"}',
    );
    expect(none).toMatchObject(expected);
  });

  it("refuses a non-JSON type (415), an oversized body (413) and a malformed body (400)", async () => {
    expect(
      await ack("runId=r1", { "content-type": "application/x-www-form-urlencoded" }),
    ).toMatchObject({
      status: 415,
      body: "Refused: send the acknowledgement as application/json.\n",
    });
    expect(await ack({ runId: "r1", code: "x".repeat(5000) })).toMatchObject({
      status: 413,
      body: "Refused: the request body is larger than 4096 bytes.\n",
    });
    const malformed =
      'Refused: the body must be the JSON object {"runId": "RUN_ID", "code": "ALERT-…"}.\n';
    expect(await ack("{not json")).toMatchObject({ status: 400, body: malformed });
    expect(await ack({ runId: "r1", code: "ALERT-RETRIES", extra: 1 })).toMatchObject({
      status: 400,
      body: malformed,
    });
  });

  it("accepts only known run ids and alert codes, and only active alerts", async () => {
    expect(await ack({ runId: "../etc", code: "ALERT-RETRIES" })).toMatchObject({
      status: 400,
      body: 'Refused: "../etc" is not a run id.\n',
    });
    expect(await ack({ runId: "nope", code: "ALERT-RETRIES" })).toMatchObject({
      status: 404,
      body: `Refused: There is no run nope under ${stateRoot(repoDir)}.\n`,
    });
    expect(await ack({ runId: "r1", code: "ALERT-BOGUS" })).toMatchObject({
      status: 400,
      body: `Refused: \`code\` must be an alert code (${[...ALERT_CODES].join(", ")}), got "ALERT-BOGUS".\n`,
    });
    expect(await ack({ runId: "r2", code: "ALERT-RETRIES" })).toMatchObject({
      status: 409,
      body: "Refused: `code` names no active alert of run r2: ALERT-RETRIES is not raised or already acknowledged (list them with `workflowmaster alerts r2`).\n",
    });
    expect((await readFile(eventsPath("r1"), "utf8")).includes("alert.acknowledged")).toBe(false);
  });

  it("answers 405 with Allow to a GET on the acknowledging path, and 404 to unknown paths", async () => {
    const get = await send("GET", "/api/alerts/ack");
    expect({ status: get.status, allow: get.headers.allow, body: get.body }).toEqual({
      status: 405,
      allow: "POST",
      body: "Refused: /api/alerts/ack takes POST, not GET.\n",
    });
    expect(await send("GET", "/nothing")).toMatchObject({
      status: 404,
      body: "Not found: /nothing.\n",
    });
  });
});

describe("the event stream", () => {
  it("starts with each run's recent events and the model, then delivers an appended event", async () => {
    const appended: WorkflowEvent = {
      type: "phase.completed",
      runId: "r2",
      phase: "branch",
      durationMs: 7,
    };
    let writing: Promise<void> | undefined;
    const messages = await stream((seen) => {
      if (writing === undefined && seen.some((message) => message.event === "model")) {
        writing = appendFile(eventsPath("r2"), line(appended));
      }
      return seen.some(
        (message) =>
          message.event === "events" && (message.data as { reset: boolean }).reset === false,
      );
    });
    await writing;
    expect(messages.slice(0, 3).map((message) => message.event)).toEqual([
      "events",
      "events",
      "model",
    ]);
    expect(messages[0]?.data).toMatchObject({ runId: "r1", reset: true });
    expect((messages[0]?.data as { events: unknown[] } | undefined)?.events).toHaveLength(13);
    const update = messages.find(
      (message) =>
        message.event === "events" && (message.data as { reset: boolean }).reset === false,
    );
    expect(update?.data).toEqual({ runId: "r2", events: [{ at: AT, ...appended }], reset: false });
  });

  it("delivers a run that appears after the page opened", async () => {
    let writing: Promise<void> | undefined;
    const messages = await stream((seen) => {
      if (writing === undefined && seen.some((message) => message.event === "model")) {
        writing = writeRun("r3", [{ type: "run.started", runId: "r3", workflow: "dev" }]);
      }
      return seen.some(
        (message) =>
          message.event === "model" &&
          (message.data as { runs: { runId: string }[] }).runs.some((run) => run.runId === "r3"),
      );
    });
    await writing;
    const model = messages.filter((message) => message.event === "model").at(-1)?.data as {
      runs: { runId: string; state: string }[];
    };
    expect(model.runs.find((run) => run.runId === "r3")).toMatchObject({
      runId: "r3",
      state: "running",
    });
  });
});

describe("damaged events", () => {
  it("shows a malformed line as a problem and the run's other events as usual", async () => {
    await writeRun(
      "r4",
      [{ type: "run.started", runId: "r4", workflow: "dev" }],
      "{not an event\n",
    );
    await appendFile(
      eventsPath("r4"),
      line({ type: "phase.started", runId: "r4", phase: "issue", attempt: 1 }),
    );
    await server.refresh();
    const model = server.model();
    expect(model.problems).toEqual([
      {
        runId: "r4",
        message: `Line 2 of ${eventsPath("r4")} is not an event; it was left out (the rest of the run is shown).`,
      },
    ]);
    expect(model.runs.find((run) => run.runId === "r4")).toMatchObject({
      state: "running",
      phases: [{ name: "issue", status: "running", attempts: 1 }],
    });
  });
});

describe("secrets", () => {
  it("never serves or logs the token from the environment or a ghp_ token in an event", async () => {
    const page = await send("GET", "/");
    const script = await send("GET", "/app.js");
    const model = await send("GET", "/api/model");
    const messages = await stream((seen) => seen.some((message) => message.event === "model"));
    const refused = await send("GET", "/", { host: ENV_TOKEN });
    const served = [
      page.body,
      script.body,
      model.body,
      JSON.stringify(messages),
      refused.body,
      logged.join(""),
    ].join("\n");
    expect(served.includes(ENV_TOKEN)).toBe(false);
    expect(served.includes(PATTERN_TOKEN)).toBe(false);
    const r2 = (
      JSON.parse(model.body) as {
        runs: { runId: string; lastError?: { message: string; guidance: string } }[];
      }
    ).runs.find((run) => run.runId === "r2");
    expect(r2?.lastError).toMatchObject({
      message: "GitHub refused token [REDACTED] (also tried [REDACTED]).",
      guidance: "Renew [REDACTED].",
    });
    expect(refused.body).toContain('not "[REDACTED]"');
  });
});

describe("the chaos report", () => {
  it("says where no report was found, draws a found one, and names what is wrong with a bad one", async () => {
    const path = join(repoDir, "reports", "latest", "report.json");
    expect(server.model().chaos).toEqual({ status: "absent", path });
    await mkdir(join(repoDir, "reports", "latest"), { recursive: true });
    const distribution = { count: 2, p50: 100, p95: 900, max: 1000 };
    await writeFile(
      path,
      JSON.stringify({
        schemaVersion: 1,
        seeds: [1, 2],
        targets: { successUnderNoFaults: 0.99, dataLoss: 0, timeToDetectMs: 30_000 },
        metrics: {
          successUnderNoFaults: 1,
          recoveryFromTransient: 0.5,
          dataLoss: 1,
          duplicates: 0,
          actionableErrors: 1,
          interventions: 0,
          interventionsAllFaults: 0.2,
          timeToDetectMs: distribution,
          timeToRecoverMs: distribution,
          runs: 4,
          failedRuns: 1,
        },
        gate: { passed: false, missed: ["dataLoss"] },
        scenarios: [
          { name: "engine/x", tags: [], runs: 2, passed: 1, faultsFired: 3, vacuous: [] },
        ],
      }),
    );
    await server.refresh();
    expect(server.model().chaos).toEqual({
      status: "found",
      path,
      runs: 4,
      failedRuns: 1,
      seeds: 2,
      gate: { passed: false, missed: ["dataLoss"] },
      metrics: [
        {
          name: "successUnderNoFaults",
          value: 1,
          target: 0.99,
          goal: "at-least",
          unit: "share",
          ok: true,
        },
        { name: "dataLoss", value: 1, target: 0, goal: "at-most", unit: "count", ok: false },
      ],
      timeToDetectMs: distribution,
      timeToRecoverMs: distribution,
      targets: { timeToDetectMs: 30_000, timeToRecoverMs: undefined },
      scenarios: [{ name: "engine/x", runs: 2, passed: 1, faultsFired: 3 }],
    });
    await writeFile(path, '{"schemaVersion": 2}');
    await server.refresh();
    expect(server.model().chaos).toEqual({
      status: "unreadable",
      path,
      message: "it is not a schemaVersion 1 report: schemaVersion: Invalid input: expected 1",
    });
  });
});
