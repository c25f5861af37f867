import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { statusJson } from "../cli/status-view.js";
import { createEngine } from "../engine/index.js";
import { isWorkflowMasterError } from "../errors/index.js";
import { acknowledgeAlert } from "../monitor/active-alerts.js";
import type { Ports } from "../ports/index.js";
import { parseOptions } from "../retry/parse-options.js";
import { isValidRunId, stateRoot } from "../state/index.js";
import { CHAOS_REPORT_PATH, type ChaosReportView, readChaosReport } from "./chaos-report.js";
import { buildDashboardModel, type DashboardModel, type Problem } from "./dashboard-model.js";
import { DASHBOARD_SCRIPT } from "./page/dashboard-script.js";
import { DASHBOARD_STYLES } from "./page/dashboard-styles.js";
import { renderDashboardHtml } from "./page/render-dashboard-html.js";
import {
  checkHost,
  checkWriteRequest,
  MAX_BODY_BYTES,
  type Refusal,
  TOKEN_HEADER,
} from "./request-guard.js";
import { createRunWatcher, type StateRead } from "./run-watcher.js";
import { redactDeep, secretRedactor } from "./secret-redactor.js";

export const DASHBOARD_DEFAULTS = {
  port: 0,
  /** How often the runs' events files are looked at. */
  pollMs: 250,
  /** A comment line to every stream this often, so idle proxies and browsers keep it open. */
  keepAliveMs: 15_000,
} as const;

const OptionsSchema = z.object({
  repoDir: z.string().min(1, "expected the repository's directory"),
  port: z.int().min(0).max(65_535).default(DASHBOARD_DEFAULTS.port),
  pollMs: z.int().min(10).default(DASHBOARD_DEFAULTS.pollMs),
  ports: z.custom<Ports>((value) => typeof value === "object" && value !== null, {
    message: "expected the Ports",
  }),
  env: z.record(z.string(), z.string().optional()),
  log: z.custom<(line: string) => void>((value) => typeof value === "function", {
    message: "expected a function",
  }),
  token: z.string().min(16).optional(),
});

export interface DashboardServerOptions {
  /** The repository whose `.workflowmaster/runs` are shown. */
  repoDir: string;
  /** Loopback port; 0 (default) picks a free one. */
  port?: number;
  /** Default 250 ms. */
  pollMs?: number;
  ports: Ports;
  /** GITHUB_TOKEN and GH_TOKEN values here are removed from everything served and logged. */
  env: Readonly<Record<string, string | undefined>>;
  /** One line (ending in a newline) to standard error; redacted before the call. */
  log: (line: string) => void;
  /** The page's token for acknowledging (default: 32 random bytes); for tests. */
  token?: string;
}

export interface DashboardServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Required (header `x-workflowmaster-token`) on every acknowledgement. */
  readonly token: string;
  /** The model as last built (redacted), as the page gets it. */
  model(): DashboardModel;
  /** Looks at the runs now instead of at the next tick; resolves when the update was sent. */
  refresh(): Promise<void>;
  /** Ends every stream, stops watching and closes the server. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "no-store",
} as const;

/** Events per run a new stream starts with. */
const RECENT_EVENTS = 100;

const AckBodySchema = z.strictObject({ runId: z.string(), code: z.string() });

/**
 * The dashboard: a read-only page over one repository's runs on
 * 127.0.0.1, fed by server-sent events as the runs' `events.ndjson` files
 * grow. The only write is acknowledging an alert, which appends an
 * `alert.acknowledged` event exactly as `workflowmaster alerts --ack` does.
 * Everything served and logged passes through the secret redactor.
 */
export async function startDashboardServer(
  options: DashboardServerOptions,
): Promise<DashboardServer> {
  const {
    repoDir,
    port: wantedPort,
    pollMs,
    ports,
    env,
    log,
    ...rest
  } = parseOptions(OptionsSchema, options, "dashboard options");
  const { fs, clock } = ports;
  const root = stateRoot(repoDir);
  const redact = secretRedactor(env);
  const say = (line: string) => log(redact(line));
  const token = rest.token ?? randomBytes(32).toString("base64url");
  const engine = createEngine({ ports, root, eventLog: false });

  const readState = async (runId: string): Promise<StateRead> => {
    try {
      const snapshot = await engine.status(runId);
      const view = statusJson(snapshot);
      const title = (snapshot.input as { title?: unknown } | undefined)?.title;
      return {
        ok: true,
        info: {
          state: view.state,
          title: typeof title === "string" ? title : undefined,
          phases: view.phases.map((phase) => ({
            ...phase,
            // An intent without a result is an attempt under way (or cut short).
            status: phase.status === "intent" ? "running" : phase.status,
          })),
        },
      };
    } catch (error) {
      if (!isWorkflowMasterError(error)) throw error;
      // Events come first: the run's state may not be written yet.
      if (error.code === "WFM-RUN-NOT-FOUND") return { ok: true, info: undefined };
      return {
        ok: false,
        problem: `The state of run ${runId} could not be read (${error.code}): ${error.message} Run \`workflowmaster doctor\` for details.`,
      };
    }
  };
  const watcher = createRunWatcher({ fs, root, readState });

  let chaos: ChaosReportView = { status: "absent", path: `${repoDir}/${CHAOS_REPORT_PATH}` };
  let chaosSignature = "";
  let pollProblem: Problem | undefined;
  let model: DashboardModel = build();
  let lastBeat = clock.now();
  const streams = new Set<ServerResponse>();

  function build(): DashboardModel {
    return redactDeep(
      buildDashboardModel({
        repository: repoDir,
        runs: watcher.feeds(),
        problems: [...(pollProblem === undefined ? [] : [pollProblem]), ...watcher.problems()],
        chaos,
      }),
      redact,
    );
  }

  const sse = (res: ServerResponse, event: string, data: unknown) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const broadcast = (event: string, data: unknown) => {
    for (const res of streams) sse(res, event, data);
  };

  const refreshChaos = async (): Promise<boolean> => {
    const path = `${repoDir}/${CHAOS_REPORT_PATH}`;
    const signature = await fs.stat(path).then(
      (stat) => `${stat.ino}:${stat.size}:${stat.mtimeMs}`,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return "absent";
        throw error;
      },
    );
    if (signature === chaosSignature) return false;
    chaosSignature = signature;
    chaos = await readChaosReport(fs, repoDir);
    return true;
  };

  // One look at the files; failures are shown on the page and logged, and the next tick tries again.
  const tick = async () => {
    let changed = false;
    let appended: Awaited<ReturnType<typeof watcher.poll>>["appended"] = [];
    try {
      const update = await watcher.poll();
      const chaosChanged = await refreshChaos();
      changed = update.changed || chaosChanged || pollProblem !== undefined;
      appended = update.appended;
      pollProblem = undefined;
    } catch (error) {
      const message = `Reading the runs under ${root} failed: ${error instanceof Error ? error.message : String(error)}. The dashboard tries again every ${pollMs} ms.`;
      if (pollProblem?.message !== message) {
        say(`dashboard: ${message}\n`);
        changed = true;
      }
      pollProblem = { message };
    }
    if (changed) {
      model = build();
      for (const entry of appended) broadcast("events", redactDeep(entry, redact));
      broadcast("model", model);
    }
    if (clock.now() - lastBeat >= DASHBOARD_DEFAULTS.keepAliveMs) {
      lastBeat = clock.now();
      for (const res of streams) res.write(": keep-alive\n\n");
    }
  };
  let queue: Promise<void> = Promise.resolve();
  const refresh = () => {
    queue = queue.then(tick);
    return queue;
  };

  await refresh();

  const page = () =>
    renderDashboardHtml({ token, repository: redact(repoDir), title: "WorkflowMaster dashboard" });

  let port = wantedPort;
  const send = (
    res: ServerResponse,
    status: number,
    type: string,
    body: string,
    extra: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      "content-type": type,
      "content-length": String(Buffer.byteLength(body)),
      ...extra,
    });
    res.end(body);
  };
  const refuse = (req: IncomingMessage, res: ServerResponse, refusal: Refusal, extra = {}) => {
    const message = redact(refusal.message);
    say(`dashboard: refused ${req.method} ${req.url} (${refusal.status}): ${message}\n`);
    send(res, refusal.status, "text/plain; charset=utf-8", `${message}\n`, extra);
  };

  const openStream = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      connection: "keep-alive",
    });
    res.write("retry: 1000\n\n");
    // The recent past first, so the page's event list is not empty until something happens.
    for (const feed of watcher.feeds()) {
      const events = feed.events.slice(-RECENT_EVENTS);
      sse(res, "events", redactDeep({ runId: feed.runId, events, reset: true }, redact));
    }
    sse(res, "model", model);
    streams.add(res);
    req.on("close", () => streams.delete(res));
  };

  const readBody = (req: IncomingMessage): Promise<Buffer | Refusal> =>
    new Promise((resolve, reject) => {
      const declared = Number(req.headers["content-length"] ?? "0");
      const tooLarge: Refusal = {
        status: 413,
        message: `Refused: the request body is larger than ${MAX_BODY_BYTES} bytes.`,
      };
      if (declared > MAX_BODY_BYTES) {
        resolve(tooLarge);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      req.on("data", (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          done = true;
          resolve(tooLarge);
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => {
        if (!done) resolve(Buffer.concat(chunks));
      });
      req.on("error", reject);
    });

  const acknowledge = async (req: IncomingMessage, res: ServerResponse) => {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const refusal = checkWriteRequest(
      {
        origin: header("origin"),
        token: header(TOKEN_HEADER),
        contentType: header("content-type"),
      },
      { port, token },
    );
    if (refusal !== undefined) return refuse(req, res, refusal);
    const body = await readBody(req);
    if (!Buffer.isBuffer(body)) return refuse(req, res, body, { connection: "close" });
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      json = undefined;
    }
    const parsed = AckBodySchema.safeParse(json);
    if (!parsed.success) {
      return refuse(req, res, {
        status: 400,
        message:
          'Refused: the body must be the JSON object {"runId": "RUN_ID", "code": "ALERT-…"}.',
      });
    }
    const { runId, code } = parsed.data;
    const shownRunId = JSON.stringify(runId.slice(0, 80));
    if (!isValidRunId(runId)) {
      return refuse(req, res, { status: 400, message: `Refused: ${shownRunId} is not a run id.` });
    }
    const outcome = await acknowledgeAlert({ fs, clock, root, runId, code });
    if (!outcome.ok) {
      const { reason, message } = outcome.refusal;
      const status = reason === "unknown-run" ? 404 : reason === "unknown-code" ? 400 : 409;
      return refuse(req, res, {
        status,
        message: reason === "unknown-run" ? `Refused: ${message}` : `Refused: \`code\` ${message}.`,
      });
    }
    say(`dashboard: acknowledged ${code} of run ${runId}\n`);
    await refresh();
    send(
      res,
      200,
      "application/json; charset=utf-8",
      `${JSON.stringify(redactDeep({ acknowledged: { runId, code } }, redact))}\n`,
    );
  };

  const routes: Record<
    string,
    {
      method: "GET" | "POST";
      handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
    }
  > = {
    "/": {
      method: "GET",
      handle: (_req, res) => send(res, 200, "text/html; charset=utf-8", page()),
    },
    "/app.js": {
      method: "GET",
      handle: (_req, res) =>
        send(res, 200, "text/javascript; charset=utf-8", redact(DASHBOARD_SCRIPT)),
    },
    "/app.css": {
      method: "GET",
      handle: (_req, res) => send(res, 200, "text/css; charset=utf-8", redact(DASHBOARD_STYLES)),
    },
    // Browsers ask for it on their own; an answer keeps the console free of 404s.
    "/favicon.ico": { method: "GET", handle: (_req, res) => send(res, 204, "image/x-icon", "") },
    "/api/model": {
      method: "GET",
      handle: (_req, res) =>
        send(res, 200, "application/json; charset=utf-8", `${JSON.stringify(model)}\n`),
    },
    "/api/stream": { method: "GET", handle: openStream },
    "/api/alerts/ack": { method: "POST", handle: acknowledge },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const hostRefusal = checkHost(req.headers.host, port);
    if (hostRefusal !== undefined) return refuse(req, res, hostRefusal);
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const route = routes[path];
    if (route === undefined) {
      return refuse(req, res, { status: 404, message: `Not found: ${path.slice(0, 200)}.` });
    }
    if (req.method !== route.method) {
      return refuse(
        req,
        res,
        { status: 405, message: `Refused: ${path} takes ${route.method}, not ${req.method}.` },
        { allow: route.method },
      );
    }
    await route.handle(req, res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      say(`dashboard: ${req.method} ${req.url} failed: ${detail}\n`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      send(
        res,
        500,
        "text/plain; charset=utf-8",
        "The dashboard failed to answer this request; its standard error says why.\n",
      );
    });
  });
  server.on("clientError", (error, socket) => {
    say(`dashboard: a malformed request was refused: ${error.message}\n`);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(wantedPort, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      await clock.sleep(pollMs, stop.signal).then(
        () => refresh(),
        (error: unknown) => {
          if (!stop.signal.aborted) throw error;
        },
      );
    }
  })().catch((error: unknown) => {
    // Only a broken clock gets here; the page says the view is frozen.
    const message = `The dashboard stopped watching the runs: ${String(error)}. Restart it.`;
    say(`dashboard: ${message}\n`);
    pollProblem = { message };
    model = build();
    broadcast("model", model);
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    model: () => model,
    refresh,
    async close() {
      stop.abort(new Error("The dashboard is closing."));
      await loop;
      await queue;
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
    },
  };
}
