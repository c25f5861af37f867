import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rawHttp } from "../testing/raw-http.js";
import {
  type Client,
  connectClient,
  type EchoServer,
  pattern,
  portOf,
  sleep,
  startEchoServer,
} from "../testing/tcp-harness.js";
import { startToxiproxyServer, type ToxiproxyServer } from "./toxiproxy-server.js";

let server: ToxiproxyServer;
let echo: EchoServer;
let port: number;
const opened: Client[] = [];

beforeEach(async () => {
  echo = await startEchoServer();
  server = await startToxiproxyServer({ port: 0, seed: 11 });
  const created = await rawHttp(server.url, "POST", "/proxies", {
    body: JSON.stringify({ name: "echo", listen: "127.0.0.1:0", upstream: echo.address }),
  });
  expect(created.status).toBe(201);
  port = portOf((JSON.parse(created.body) as { listen: string }).listen);
});
afterEach(async () => {
  for (const connection of opened.splice(0)) connection.socket.destroy();
  await server.close();
  await echo.close();
});

async function open(): Promise<Client> {
  const connection = await connectClient(port);
  opened.push(connection);
  return connection;
}

const toxic = (body: Record<string, unknown>) =>
  rawHttp(server.url, "POST", "/proxies/echo/toxics", { body: JSON.stringify(body) });

describe("a link with no toxics (direct)", () => {
  it("carries 8 MiB each way intact and in order, through the destinations' backpressure", async () => {
    const connection = await open();
    const payload = pattern(8 * 1024 * 1024);
    connection.socket.write(payload);
    const received = await connection.waitFor(payload.length);
    expect(received.length).toBe(payload.length);
    expect(received.equals(payload)).toBe(true);
  });

  it("passes the client's FIN on and closes the client cleanly (a full close, as Toxiproxy's)", async () => {
    const connection = await open();
    connection.socket.write("last words");
    expect((await connection.waitFor(10)).toString()).toBe("last words");
    connection.socket.end();
    const ended = await connection.ended;
    expect([ended.data.toString(), ended.error, ended.sawEnd]).toEqual([
      "last words",
      undefined,
      true,
    ]);
  });

  it("closes the client when the upstream closes first", async () => {
    const connection = await open();
    connection.socket.write("ping");
    expect((await connection.waitFor(4)).toString()).toBe("ping");
    await echo.close();
    const ended = await connection.ended;
    expect([ended.data.toString(), ended.sawEnd]).toEqual(["ping", true]);
  });
});

describe("a toxic reaching a direct link mid-stream", () => {
  for (const stream of ["upstream", "downstream"] as const) {
    it(`${stream}: holds the rest of that stream from when it is added, and every byte arrives once it is removed`, async () => {
      const connection = await open();
      const payload = pattern(6_000_000);
      let written = 0;
      let writing = true;
      // Bytes keep flowing before, while and after the toxic is added.
      const writer = (async () => {
        while (writing && written + 20_000 <= payload.length) {
          connection.socket.write(payload.subarray(written, written + 20_000));
          written += 20_000;
          await sleep(1);
        }
      })();
      await connection.waitFor(100_000);
      expect(
        (await toxic({ name: "stall", type: "bandwidth", stream, attributes: { rate: 0 } })).status,
      ).toBe(200);
      // What was already past the toxic's stage comes through; then nothing more.
      await sleep(300);
      const held = connection.received().length;
      await sleep(500);
      expect(connection.received().length).toBe(held);
      expect(written).toBeGreaterThan(held);
      writing = false;
      await writer;
      expect((await rawHttp(server.url, "DELETE", "/proxies/echo/toxics/stall")).status).toBe(204);
      const received = await connection.waitFor(written);
      expect(received.length).toBe(written);
      expect(received.equals(payload.subarray(0, written))).toBe(true);
    });
  }

  it("applies a latency added to an idle direct link to the next round trip", async () => {
    const connection = await open();
    connection.socket.write("a");
    expect((await connection.waitFor(1)).toString()).toBe("a");
    expect(
      (await toxic({ name: "slow", type: "latency", attributes: { latency: 400 } })).status,
    ).toBe(200);
    const started = performance.now();
    connection.socket.write("b");
    expect((await connection.waitFor(2)).toString()).toBe("ab");
    expect(performance.now() - started).toBeGreaterThanOrEqual(399);
  });
});
