import { Toxiproxy } from "toxiproxy-node-client";
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
  tryConnect,
} from "../testing/tcp-harness.js";
import { startToxiproxyServer, type ToxiproxyServer } from "./toxiproxy-server.js";

// Real TCP on a shared, noisy machine: lower bounds are tight, upper bounds loose.
const SLACK_MS = 2_000;

let server: ToxiproxyServer;
let echo: EchoServer;
let client: Toxiproxy;
let port: number;
const opened: Client[] = [];

beforeEach(async () => {
  echo = await startEchoServer();
  server = await startToxiproxyServer({ port: 0, seed: 7 });
  client = new Toxiproxy(server.url);
  const proxy = await client.createProxy({
    name: "echo",
    listen: "127.0.0.1:0",
    upstream: echo.address,
  });
  port = portOf(proxy.listen);
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

/** Writes `bytes`, waits for `expected` echoed bytes, and returns the elapsed ms. */
async function roundTrip(connection: Client, bytes: Buffer, expected = bytes.length) {
  const already = connection.received().length;
  const started = performance.now();
  connection.socket.write(bytes);
  const received = await connection.waitFor(already + expected);
  return { elapsed: performance.now() - started, data: received.subarray(already) };
}

const addToxic = (body: Record<string, unknown>) =>
  rawHttp(server.url, "POST", "/proxies/echo/toxics", { body: JSON.stringify(body) });
const removeToxic = (name: string) => rawHttp(server.url, "DELETE", `/proxies/echo/toxics/${name}`);

describe("latency", () => {
  it("delays each direction by its latency, and the two add up", async () => {
    await addToxic({ type: "latency", stream: "downstream", attributes: { latency: 300 } });
    const connection = await open();
    const down = await roundTrip(connection, Buffer.from("ping"));
    expect(down.data.toString()).toBe("ping");
    expect(down.elapsed).toBeGreaterThanOrEqual(299);
    expect(down.elapsed).toBeLessThan(300 + SLACK_MS);
    await addToxic({ type: "latency", stream: "upstream", attributes: { latency: 200 } });
    const both = await roundTrip(connection, Buffer.from("pong"));
    expect(both.data.toString()).toBe("pong");
    expect(both.elapsed).toBeGreaterThanOrEqual(499);
    expect(both.elapsed).toBeLessThan(500 + SLACK_MS);
  });

  it("keeps each delay within latency ± jitter", async () => {
    await addToxic({ type: "latency", attributes: { latency: 200, jitter: 100 } });
    const connection = await open();
    for (let round = 0; round < 4; round += 1) {
      const { elapsed } = await roundTrip(connection, Buffer.from(`r${round}`));
      expect(elapsed).toBeGreaterThanOrEqual(99);
      expect(elapsed).toBeLessThan(300 + SLACK_MS);
    }
  });

  it("reaches connections that were already open, and stops when removed", async () => {
    const connection = await open();
    expect((await roundTrip(connection, Buffer.from("a"))).data.toString()).toBe("a");
    await addToxic({ name: "late", type: "latency", attributes: { latency: 1_000 } });
    const slowed = await roundTrip(connection, Buffer.from("b"));
    expect(slowed.elapsed).toBeGreaterThanOrEqual(999);
    expect((await removeToxic("late")).status).toBe(204);
    const healed = await roundTrip(connection, Buffer.from("c"));
    expect(healed.data.toString()).toBe("c");
    expect(healed.elapsed).toBeLessThan(1_000);
  });
});

describe("bandwidth", () => {
  it("limits the rate in KB/s and delivers every byte in order", async () => {
    await addToxic({ type: "bandwidth", attributes: { rate: 100 } });
    const connection = await open();
    const payload = pattern(50_000);
    const { elapsed, data } = await roundTrip(connection, payload);
    expect(data.equals(payload)).toBe(true);
    // 50 000 B at 100 B/ms: 500 ms.
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(500 + SLACK_MS * 2);
  });

  it("with rate 0 holds every byte, and delivers them all when removed (a stall that heals)", async () => {
    await addToxic({ name: "stall", type: "bandwidth", attributes: { rate: 0 } });
    const connection = await open();
    const payload = pattern(4_000);
    connection.socket.write(payload);
    await sleep(400);
    expect(connection.received().length).toBe(0);
    expect((await removeToxic("stall")).status).toBe(204);
    expect((await connection.waitFor(4_000)).equals(payload)).toBe(true);
    expect((await roundTrip(connection, Buffer.from("after"))).data.toString()).toBe("after");
  });
});

describe("slow_close", () => {
  it("delays the close by `delay` ms after the stream ends", async () => {
    await addToxic({ type: "slow_close", attributes: { delay: 400 } });
    const connection = await open();
    expect((await roundTrip(connection, Buffer.from("bye"))).data.toString()).toBe("bye");
    const endedAt = performance.now();
    connection.socket.end();
    const ended = await connection.ended;
    expect(ended.closedAt - endedAt).toBeGreaterThanOrEqual(399);
    expect(ended.closedAt - endedAt).toBeLessThan(400 + SLACK_MS);
    expect([ended.error, ended.sawEnd]).toEqual([undefined, true]);
  });
});

describe("timeout", () => {
  it("drops the data and closes the connection after `timeout` ms", async () => {
    await addToxic({ type: "timeout", attributes: { timeout: 300 } });
    const connection = await open();
    const started = performance.now();
    connection.socket.write(pattern(1_000));
    const ended = await connection.ended;
    expect(ended.data.length).toBe(0);
    expect(ended.closedAt - started).toBeGreaterThanOrEqual(299);
    expect(ended.closedAt - started).toBeLessThan(300 + SLACK_MS);
    expect([ended.error, ended.sawEnd]).toEqual([undefined, true]);
  });

  it("with 0 holds the connection open forever; removing it closes the connection, as in Toxiproxy", async () => {
    await addToxic({
      name: "hold",
      type: "timeout",
      stream: "upstream",
      attributes: { timeout: 0 },
    });
    const connection = await open();
    connection.socket.write("lost");
    await sleep(400);
    expect([connection.received().length, connection.socket.destroyed]).toEqual([0, false]);
    expect((await removeToxic("hold")).status).toBe(204);
    const ended = await connection.ended;
    expect([ended.data.length, ended.error]).toEqual([0, undefined]);
  });
});

describe("reset_peer", () => {
  it("resets the connection (ECONNRESET) on the first data", async () => {
    await addToxic({ type: "reset_peer", attributes: { timeout: 0 } });
    const connection = await open();
    connection.socket.write("hello");
    const ended = await connection.ended;
    expect([ended.error, ended.data.length]).toEqual(["ECONNRESET", 0]);
  });

  it("resets after `timeout` ms", async () => {
    await addToxic({ type: "reset_peer", stream: "upstream", attributes: { timeout: 300 } });
    const connection = await open();
    const started = performance.now();
    connection.socket.write("hello");
    const ended = await connection.ended;
    expect(ended.error).toBe("ECONNRESET");
    expect(ended.closedAt - started).toBeGreaterThanOrEqual(299);
    expect(ended.closedAt - started).toBeLessThan(300 + SLACK_MS);
  });

  it("with toxicity 0 neither resets nor arms RST for the normal close (Toxiproxy #603 fixed)", async () => {
    await addToxic({ type: "reset_peer", toxicity: 0, attributes: { timeout: 0 } });
    const connection = await open();
    expect((await roundTrip(connection, Buffer.from("safe"))).data.toString()).toBe("safe");
    connection.socket.end();
    const ended = await connection.ended;
    expect([ended.error, ended.sawEnd]).toEqual([undefined, true]);
  });
});

describe("slicer", () => {
  it("delivers the bytes intact, in more than one piece", async () => {
    await addToxic({
      type: "slicer",
      attributes: { average_size: 100, size_variation: 30, delay: 3_000 },
    });
    const connection = await open();
    const payload = pattern(3_000);
    const { data } = await roundTrip(connection, payload);
    expect(data.equals(payload)).toBe(true);
    expect(connection.reads()).toBeGreaterThan(1);
  });
});

describe("limit_data", () => {
  it("truncates at `bytes` and closes", async () => {
    await addToxic({ type: "limit_data", attributes: { bytes: 100 } });
    const connection = await open();
    const payload = pattern(1_000);
    connection.socket.write(payload);
    const ended = await connection.ended;
    expect(ended.data.equals(payload.subarray(0, 100))).toBe(true);
    expect([ended.error, ended.sawEnd]).toEqual([undefined, true]);
  });

  it("keeps counting across a chain change on the same connection", async () => {
    await addToxic({ type: "limit_data", attributes: { bytes: 100 } });
    const connection = await open();
    const first = pattern(60);
    expect((await roundTrip(connection, first)).data.equals(first)).toBe(true);
    await addToxic({ type: "latency", attributes: { latency: 0 } });
    connection.socket.write(pattern(60));
    const ended = await connection.ended;
    expect(ended.data.length).toBe(100);
  });
});

describe("enabled: false", () => {
  it("closes every open connection, refuses new ones, and serves again once re-enabled", async () => {
    const first = await open();
    const second = await open();
    expect((await roundTrip(first, Buffer.from("1"))).data.toString()).toBe("1");
    const proxy = await client.get("echo");
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: echo.address });
    const [endFirst, endSecond] = await Promise.all([first.ended, second.ended]);
    expect([endFirst.data.toString(), endSecond.data.length]).toEqual(["1", 0]);
    expect(await tryConnect(port)).toBe("ECONNREFUSED");
    await proxy.update({ enabled: true, listen: proxy.listen, upstream: echo.address });
    const third = await open();
    expect((await roundTrip(third, Buffer.from("3"))).data.toString()).toBe("3");
  });
});

describe("/reset on live connections", () => {
  it("takes the toxics off open connections", async () => {
    await addToxic({ type: "latency", attributes: { latency: 1_000 } });
    const connection = await open();
    expect((await roundTrip(connection, Buffer.from("x"))).elapsed).toBeGreaterThanOrEqual(999);
    await client.reset();
    const after = await roundTrip(connection, Buffer.from("y"));
    expect(after.data.toString()).toBe("y");
    expect(after.elapsed).toBeLessThan(1_000);
  });
});

describe("upstream dial failure", () => {
  it("closes the client when the upstream refuses", async () => {
    const dead = await startEchoServer();
    await dead.close();
    await client.createProxy({
      name: "dead",
      listen: "127.0.0.1:0",
      upstream: dead.address,
    });
    const listen = (await client.get("dead")).listen;
    const connection = await connectClient(portOf(listen));
    opened.push(connection);
    const ended = await connection.ended;
    expect(ended.data.length).toBe(0);
  });
});

describe("chain changes on a streaming connection", () => {
  it("loses, duplicates and reorders no byte while toxics are added, updated and removed", async () => {
    const connection = await open();
    // Bytes keep flowing for as long as the chain keeps changing.
    const payload = pattern(4_000_000);
    let written = 0;
    let changing = true;
    const writing = (async () => {
      while (changing && written + 4_000 <= payload.length) {
        connection.socket.write(payload.subarray(written, written + 4_000));
        written += 4_000;
        await sleep(1);
      }
    })();
    const toxics = [
      { type: "latency", attributes: { latency: 3, jitter: 2 } },
      { type: "slicer", attributes: { average_size: 500, size_variation: 100, delay: 100 } },
      { type: "bandwidth", attributes: { rate: 5_000 } },
      { type: "noop" },
      { type: "limit_data", toxicity: 0, attributes: { bytes: 1 } },
    ];
    for (let round = 0; round < 10; round += 1) {
      for (const [index, toxic] of toxics.entries()) {
        const stream = (round + index) % 2 === 0 ? "upstream" : "downstream";
        const name = `t${round}_${index}`;
        expect((await addToxic({ ...toxic, name, stream })).status).toBe(200);
        // Restart some stages mid-stream (limit_data stays at toxicity 0: it would cut the stream).
        if (index === 0 || index === 2) {
          const update = await rawHttp(server.url, "PATCH", `/proxies/echo/toxics/${name}`, {
            body: JSON.stringify({ toxicity: 0.5 }),
          });
          expect(update.status).toBe(200);
        }
      }
      for (const index of [3, 0, 4, 2, 1]) {
        expect((await removeToxic(`t${round}_${index}`)).status).toBe(204);
      }
    }
    changing = false;
    await writing;
    const received = await connection.waitFor(written);
    expect(written).toBeGreaterThan(40_000);
    expect(received.length).toBe(written);
    expect(received.equals(payload.subarray(0, written))).toBe(true);
  });
});
