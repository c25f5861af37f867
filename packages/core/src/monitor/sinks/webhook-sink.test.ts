import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../ports/clock.js";
import { systemClock } from "../../ports/clock.js";
import { nodeFetch } from "../../ports/fetch.js";
import { createVirtualClock } from "../../ports/virtual-clock.js";
import type { Alert } from "../alerts.js";
import { webhookSink } from "./webhook-sink.js";

const alert: Alert = {
  runId: "r1",
  level: "critical",
  code: "ALERT-DISK-LOW",
  message: "Free disk space fell to 12 MiB (threshold 64 MiB).",
};

// An incoming-webhook URL: the path is the secret.
const SECRET_PATH = "/services/T0001/B0002/s3cr3tT0k3n";

interface Received {
  method: string | undefined;
  url: string | undefined;
  contentType: string | undefined;
  body: string;
}

const servers: ReturnType<typeof createServer>[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  }
});

/** A real HTTP server on 127.0.0.1, on a free port. */
async function serve(
  respond: (request: IncomingMessage, response: ServerResponse, received: Received) => void,
): Promise<{ base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry: Received = {
        method: request.method,
        url: request.url,
        contentType: request.headers["content-type"],
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(entry);
      respond(request, response, entry);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, received };
}

describe("posting an alert", () => {
  it("posts { text, alert } as JSON to the URL and reports success", async () => {
    const { base, received } = await serve((_, response) => response.end("ok"));
    const sink = webhookSink({
      url: `${base}${SECRET_PATH}`,
      fetch: nodeFetch,
      clock: systemClock,
      timeoutMs: 10_000,
    });
    expect(await sink.deliver(alert)).toEqual({ ok: true, value: undefined });
    expect(received).toEqual([
      {
        method: "POST",
        url: SECRET_PATH,
        contentType: "application/json",
        body: JSON.stringify({
          text: "[critical] ALERT-DISK-LOW run r1: Free disk space fell to 12 MiB (threshold 64 MiB).",
          alert: {
            runId: "r1",
            level: "critical",
            code: "ALERT-DISK-LOW",
            message: "Free disk space fell to 12 MiB (threshold 64 MiB).",
          },
        }),
      },
    ]);
    expect(sink.name).toBe(`webhook ${base}`);
  });
});

describe("a failed delivery", () => {
  it("returns a non-2xx answer as an error naming only the origin", async () => {
    const { base } = await serve((request, response) => {
      response.statusCode = 403;
      response.end(`invalid_token for ${request.url}`);
    });
    const result = await webhookSink({
      url: `${base}${SECRET_PATH}`,
      fetch: nodeFetch,
      clock: systemClock,
    }).deliver(alert);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.error.message).toBe(
      `Webhook ${base} answered 403 Forbidden: invalid_token for <redacted>`,
    );
  });

  it("times out, in virtual time, on a server that never answers", async () => {
    const { base } = await serve(() => undefined);
    const clock = createVirtualClock(0);
    const result = await webhookSink({
      url: `${base}${SECRET_PATH}`,
      fetch: nodeFetch,
      clock,
      timeoutMs: 5_000,
    }).deliver(alert);
    expect(result).toEqual({
      ok: false,
      error: new Error(`Webhook ${base} did not answer within 5000 ms.`),
    });
    // Exactly the timeout passed, in virtual time. (Whether the request got out
    // before it is a race with real I/O; the next test pins that case down.)
    expect(clock.now()).toBe(5_000);
  });

  it("times out after the request reached a server that never answers", async () => {
    // A clock whose timeout fires only when the server has the request.
    let fire: () => void = () => undefined;
    const clock: Clock = {
      now: () => 0,
      sleep: (_ms, signal) =>
        new Promise<void>((resolve, reject) => {
          fire = resolve;
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        }),
    };
    const { base, received } = await serve(() => fire());
    const result = await webhookSink({
      url: `${base}${SECRET_PATH}`,
      fetch: nodeFetch,
      clock,
      timeoutMs: 2_500,
    }).deliver(alert);
    expect(received).toHaveLength(1);
    expect(result).toEqual({
      ok: false,
      error: new Error(`Webhook ${base} did not answer within 2500 ms.`),
    });
  });

  it("reports an unreachable server with the errno, without the secret", async () => {
    const { base } = await serve(() => undefined);
    // Close it, so the port refuses connections.
    for (const server of servers.splice(0)) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const result = await webhookSink({
      url: `${base}${SECRET_PATH}`,
      fetch: nodeFetch,
      clock: systemClock,
      timeoutMs: 10_000,
    }).deliver(alert);
    expect(result).toEqual({
      ok: false,
      error: new Error(`Webhook ${base} could not be reached: fetch failed (ECONNREFUSED)`),
    });
  });

  it("scrubs the secret from a transport error that quotes the URL", async () => {
    const quoting = (input: string | URL | Request) =>
      Promise.reject(new TypeError(`Failed to parse URL from ${String(input)}`));
    const result = await webhookSink({
      url: `https://user:hunter22@hooks.example.com${SECRET_PATH}?token=abc`,
      fetch: quoting as typeof fetch,
      clock: systemClock,
    }).deliver(alert);
    const message = result.ok ? "" : result.error.message;
    expect(message).toBe(
      "Webhook https://hooks.example.com could not be reached: Failed to parse URL from <redacted>",
    );
  });
});

describe("webhook options", () => {
  it("refuses a URL that is not http(s) without printing it", () => {
    expect(() =>
      webhookSink({ url: "ftp://secret-host/s3cr3t", fetch: nodeFetch, clock: systemClock }),
    ).toThrow(
      new TypeError("Invalid webhook sink options: `url`: expected an http:// or https:// URL."),
    );
  });

  it("refuses a timeout that is not a positive whole number of milliseconds", () => {
    expect(() =>
      webhookSink({
        url: "https://hooks.example.com/x",
        fetch: nodeFetch,
        clock: systemClock,
        timeoutMs: 0,
      }),
    ).toThrow(
      new TypeError(
        "Invalid webhook sink options: `timeoutMs`: Too small: expected number to be >=1.",
      ),
    );
  });
});
