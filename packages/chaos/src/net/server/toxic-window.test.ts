import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFaultJournal, type FaultJournal } from "../../journal/fault-journal.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { rawHttp } from "../testing/raw-http.js";
import {
  type Client,
  connectClient,
  type EchoServer,
  portOf,
  sleep,
  startEchoServer,
} from "../testing/tcp-harness.js";
import { startToxiproxyServer, type ToxiproxyServer } from "./toxiproxy-server.js";

let clock: ManualClock;
let journal: FaultJournal;
let server: ToxiproxyServer;
let echo: EchoServer;
let connection: Client | undefined;

beforeEach(async () => {
  clock = createManualClock(Date.UTC(2026, 0, 1));
  journal = createFaultJournal(clock);
  echo = await startEchoServer();
  server = await startToxiproxyServer({ port: 0, seed: 1, clock, journal });
});
afterEach(async () => {
  connection?.socket.destroy();
  await server.close();
  await echo.close();
});

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5_000) throw new Error("The condition did not come true within 5 s.");
    await sleep(10);
  }
}

const outcomes = () => journal.entries().map((entry) => `${entry.target} ${entry.outcome}`);

describe("time-windowed toxics (start_after / remove_after)", () => {
  it("are listed at once, act from start_after and are gone at remove_after, on live connections", async () => {
    const created = await rawHttp(server.url, "POST", "/proxies", {
      body: JSON.stringify({ name: "w", listen: "127.0.0.1:0", upstream: echo.address }),
    });
    const listen = (JSON.parse(created.body) as { listen: string }).listen;
    const toxic = await rawHttp(server.url, "POST", "/proxies/w/toxics", {
      body: JSON.stringify({
        name: "later",
        type: "latency",
        attributes: { latency: 300, start_after: 1_000, remove_after: 3_000 },
      }),
    });
    expect(toxic).toMatchObject({
      status: 200,
      body: '{"attributes":{"latency":300,"jitter":0,"start_after":1000,"remove_after":3000},"name":"later","type":"latency","stream":"downstream","toxicity":1}',
    });
    connection = await connectClient(portOf(listen));
    connection.socket.write("early");
    await connection.waitFor(5);
    expect(outcomes()).toEqual([]);

    clock.advance(1_000);
    await until(() => outcomes().length === 2);
    expect(outcomes()).toEqual(["w/later window-opened", "w/later applied"]);
    const started = performance.now();
    connection.socket.write("late");
    await connection.waitFor(9);
    expect(performance.now() - started).toBeGreaterThanOrEqual(299);

    clock.advance(2_000);
    await until(() => outcomes().length === 3);
    expect(outcomes()[2]).toBe("w/later window-closed");
    expect((await rawHttp(server.url, "GET", "/proxies/w/toxics")).body).toBe("[]");
    expect(clock.sleepers()).toBe(0);
  });

  it("end early when deleted: the pending window is cancelled", async () => {
    await rawHttp(server.url, "POST", "/proxies", {
      body: JSON.stringify({ name: "w", listen: "127.0.0.1:0", upstream: echo.address }),
    });
    await rawHttp(server.url, "POST", "/proxies/w/toxics", {
      body: JSON.stringify({ name: "soon", type: "timeout", attributes: { start_after: 500 } }),
    });
    expect(clock.sleepers()).toBe(1);
    expect((await rawHttp(server.url, "DELETE", "/proxies/w/toxics/soon")).status).toBe(204);
    expect(clock.sleepers()).toBe(0);
    clock.advance(1_000);
    await sleep(20);
    expect((await rawHttp(server.url, "GET", "/proxies/w/toxics")).body).toBe("[]");
    expect(outcomes()).toEqual([]);
  });

  it("refuses a window that ends before it starts, or a negative one", async () => {
    await rawHttp(server.url, "POST", "/proxies", {
      body: JSON.stringify({ name: "w", listen: "127.0.0.1:0", upstream: echo.address }),
    });
    const refused = async (attributes: Record<string, number>) =>
      (
        await rawHttp(server.url, "POST", "/proxies/w/toxics", {
          body: JSON.stringify({ type: "latency", attributes }),
        })
      ).body;
    expect(await refused({ start_after: 500, remove_after: 500 })).toBe(
      '{"error":"bad request body: remove_after (500 ms) must be later than start_after (500 ms)","status":400}\n',
    );
    expect(await refused({ remove_after: -1 })).toBe(
      '{"error":"bad request body: remove_after must be a number of milliseconds, 0 or more, got -1","status":400}\n',
    );
  });
});
