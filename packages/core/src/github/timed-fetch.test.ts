import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { classify } from "../errors/index.js";
import { createVirtualClock, nodeFetch, systemClock } from "../ports/index.js";
import { GithubRequestTimeoutError, timedFetch } from "./timed-fetch.js";

let server: Server | undefined;

afterEach(async () => {
  const open = server;
  server = undefined;
  if (open !== undefined) {
    open.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      open.close((error) => (error ? reject(error) : resolve())),
    );
  }
});

/** A real loopback server answering with `handler`. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const started = createServer(handler);
  server = started;
  await new Promise<void>((resolve) => started.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(started.address() as AddressInfo).port}/x`;
}

describe("timedFetch over real HTTP", () => {
  it("hands on a complete, buffered answer with its url", async () => {
    const url = await serve((_request, response) => {
      response.writeHead(201, { "content-type": "application/json", "x-github-request-id": "A1" });
      response.end('{"number":7}');
    });
    const response = await timedFetch(nodeFetch, { timeoutMs: 5_000, clock: systemClock })(url, {
      method: "POST",
      body: "{}",
    });
    expect(response.status).toBe(201);
    expect(response.url).toBe(url);
    expect(response.headers.get("x-github-request-id")).toBe("A1");
    expect(await response.json()).toEqual({ number: 7 });
  });

  it("gives up on a server that never answers", async () => {
    const url = await serve(() => undefined);
    const failure = await timedFetch(nodeFetch, { timeoutMs: 300, clock: systemClock })(url).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(GithubRequestTimeoutError);
    expect((failure as Error).message).toBe("GitHub did not answer within 0.3 s");
  });

  it("turns a body that breaks off into an error, not a short answer", async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      response.write('{"number":');
      setImmediate(() => response.socket?.destroy());
    });
    await expect(
      timedFetch(nodeFetch, { timeoutMs: 5_000, clock: systemClock })(url),
    ).rejects.toThrow();
  });
});

describe("timedFetch on a virtual clock", () => {
  it("times out in virtual time when the latency is virtual too", async () => {
    const clock = createVirtualClock(0);
    // A fetch whose answer takes a virtual minute, and which honours abort like undici.
    const slow: typeof fetch = (_input, init) =>
      clock.sleep(60_000, init?.signal ?? undefined).then(() => new Response("late"));
    const failure = await timedFetch(slow, { timeoutMs: 10_000, clock })("http://sim.test/x").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(GithubRequestTimeoutError);
    expect(clock.now()).toBe(10_000);
    expect(classify(failure).code).toBe("WFM-OPERATION-TIMEOUT");
  });

  it("gives a read readTimeoutMs and a write timeoutMs", async () => {
    const timedOutAt = async (method: string) => {
      const clock = createVirtualClock(0);
      const hung: typeof fetch = (_input, init) =>
        clock.sleep(86_400_000, init?.signal ?? undefined).then(() => new Response("late"));
      await timedFetch(hung, { timeoutMs: 30_000, readTimeoutMs: 10_000, clock })(
        "http://sim.test/x",
        { method },
      ).then(
        () => expect.unreachable(),
        (error: unknown) => expect(error).toBeInstanceOf(GithubRequestTimeoutError),
      );
      return clock.now();
    };
    expect(await timedOutAt("GET")).toBe(10_000);
    expect(await timedOutAt("HEAD")).toBe(10_000);
    expect(await timedOutAt("POST")).toBe(30_000);
    expect(await timedOutAt("PATCH")).toBe(30_000);
  });

  it("passes the caller's abort through", async () => {
    const clock = createVirtualClock(0);
    const controller = new AbortController();
    const slow: typeof fetch = (_input, init) =>
      clock.sleep(60_000, init?.signal ?? undefined).then(() => new Response("late"));
    const pending = timedFetch(slow, { timeoutMs: 10_000, clock })("http://sim.test/x", {
      signal: controller.signal,
    });
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
  });
});
