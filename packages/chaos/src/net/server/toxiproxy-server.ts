import { randomInt } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { posix } from "node:path";
import { z } from "zod";
import type { Clock } from "../../clock/clock.js";
import { clockOption, journalOption } from "../../fault-points/option-schemas.js";
import { systemClock } from "../../github/serve/system-clock.js";
import type { FaultJournal } from "../../journal/fault-journal.js";
import { parseOptions } from "../../options/parse-options.js";
import { createSeed, type Seed } from "../../seed/create-seed.js";
import { toApiError } from "./api-error.js";
import { createRoutes, routeRequest } from "./api-routes.js";
import { type PopulateResult, ProxyCollection } from "./proxy-collection.js";
import { requestId } from "./request-id.js";
import { Serial } from "./serial.js";
import type { ProxyJson } from "./tcp-proxy.js";

export interface ToxiproxyServerOptions {
  /** API address (default `127.0.0.1`). */
  host?: string;
  /** API port (default 8474, Toxiproxy's; 0: any free port). */
  port?: number;
  /**
   * Root seed, or a `Seed` whose `network:<proxy>` streams to use: toxicity
   * rolls, jitter and slice sizes replay exactly under the same seed and the
   * same traffic. Default: a random root, reported as `seed`.
   */
  seed?: number | Seed;
  /** Time for toxic windows (`start_after` / `remove_after`); default real time. Bytes always flow in real time. */
  clock?: Clock;
  /** Every injected toxic effect is recorded here, layer `network`. */
  journal?: FaultJournal;
  /** Proxies to create before answering (a `/populate` body: Toxiproxy's `-config` file contents). */
  config?: unknown[];
  /** Connection errors and failed window changes, as Toxiproxy logs them (default: dropped after counting). */
  onWarning?: (message: string, error?: unknown) => void;
}

export interface ToxiproxyServer {
  /** `http://127.0.0.1:8474`: give it to a Toxiproxy client. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The root seed in use (replay with the same value). */
  readonly seed: number;
  /** Warnings so far (connection errors are normal under toxics; counted, not thrown). */
  warnings(): number;
  /** The proxies, as `GET /proxies` lists them. */
  proxies(): Promise<ProxyJson[]>;
  /** Stops every proxy (closing its connections) and the API. */
  close(): Promise<void>;
}

const seedShape = z.custom<Seed>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as Seed).stream === "function" &&
    typeof (value as Seed).root === "number",
  { error: "must be a root seed number or a Seed from createSeed(root)" },
);

const optionsSchema = z.strictObject({
  host: z.string().min(1, "must be a host name or address").optional(),
  port: z.number().int().min(0, "must be 0..65535").max(65535, "must be 0..65535").optional(),
  seed: z.union([z.number().int().min(0, "must be a non-negative integer"), seedShape]).optional(),
  clock: clockOption.optional(),
  journal: journalOption.optional(),
  config: z
    .array(z.unknown(), { error: "must be an array of proxies, as /populate takes" })
    .optional(),
  onWarning: z
    .custom<(message: string, error?: unknown) => void>((value) => typeof value === "function", {
      error: "must be a function (message, error) => void",
    })
    .optional(),
});

/**
 * Starts a Toxiproxy-compatible server: the HTTP API of Toxiproxy 2.12 (same
 * routes, status codes, error texts and JSON) driving real TCP proxies on
 * loopback, with every toxic. Any Toxiproxy client works against `url`.
 * Extensions: seeded randomness, toxics in `/populate` and `config`, toxic
 * time windows.
 */
export async function startToxiproxyServer(
  options: ToxiproxyServerOptions = {},
): Promise<ToxiproxyServer> {
  const parsed = parseOptions(optionsSchema, options, "startToxiproxyServer options");
  const host = parsed.host ?? "127.0.0.1";
  const seed =
    typeof parsed.seed === "object"
      ? parsed.seed
      : createSeed(parsed.seed ?? randomInt(0, 2 ** 31));
  const clock = parsed.clock ?? systemClock;
  const serial = new Serial();
  let warnings = 0;
  const proxies = new ProxyCollection({
    seed,
    clock,
    serial,
    journal: parsed.journal,
    onWarning: (message, error) => {
      warnings += 1;
      parsed.onWarning?.(message, error);
    },
  });
  if (parsed.config !== undefined) {
    const config = parsed.config;
    const result = await serial
      .run(() => proxies.populate(config))
      .catch((error: unknown): PopulateResult => ({ proxies: [], error: toApiError(error) }));
    if (result.error) {
      await proxies.closeAll();
      throw new Error(
        `Failed to create the configured proxies: ${result.error.message}. Please fix the configuration.`,
      );
    }
  }
  const routes = createRoutes(proxies);
  const run = <T>(task: () => Promise<T>) => serial.run(task);

  const server = createServer((request, response) => {
    void answer(request, response).catch((error: unknown) => {
      warnings += 1;
      parsed.onWarning?.("Failed to answer an API request", error);
      response.destroy();
    });
  });
  // Toxiproxy's API server: read 15 s, idle 60 s.
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 60_000;

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader("X-Toxiproxy-Request-Id", requestId(clock.now()));
    const body = await readBody(request);
    const rawPath = new URL(request.url ?? "/", "http://toxiproxy").pathname;
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      respond(response, { status: 400, headers: {}, body: "" });
      return;
    }
    // gorilla/mux cleans the path and redirects to the clean one.
    const clean = cleanPath(path);
    if (clean !== path) {
      respond(response, { status: 301, headers: { Location: clean }, body: "" });
      return;
    }
    const answered = await routeRequest(
      routes,
      {
        method: request.method ?? "GET",
        path,
        userAgent: request.headers["user-agent"] ?? "",
        body,
      },
      run,
    );
    respond(response, answered);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(parsed.port ?? 8474, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}`,
    host: address.address,
    port: address.port,
    seed: seed.root,
    warnings: () => warnings,
    proxies: () => serial.run(async () => proxies.all().map((proxy) => proxy.toJSON())),
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
        server.closeAllConnections();
        await serial.run(() => proxies.closeAll());
        await stopped;
      })();
      return closing;
    },
  };
}

function respond(
  response: ServerResponse,
  answer: { status: number; headers: Record<string, string>; body: string },
): void {
  const bytes = Buffer.from(answer.body);
  response.writeHead(answer.status, {
    ...answer.headers,
    ...(answer.status === 204 ? {} : { "Content-Length": String(bytes.length) }),
  });
  response.end(bytes);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.once("error", reject);
  });
}

function cleanPath(path: string): string {
  if (path === "") return "/";
  const rooted = path.startsWith("/") ? path : `/${path}`;
  let clean = posix.normalize(rooted);
  if (clean.length > 1 && clean.endsWith("/") && !rooted.endsWith("/")) clean = clean.slice(0, -1);
  return clean;
}
