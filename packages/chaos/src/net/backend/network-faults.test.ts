import { Toxiproxy } from "toxiproxy-node-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFaultJournal, type FaultJournal } from "../../journal/fault-journal.js";
import { startToxiproxyServer } from "../server/toxiproxy-server.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { rawHttp } from "../testing/raw-http.js";
import {
  connectClient,
  type EchoServer,
  sleep,
  startEchoServer,
  tryConnect,
} from "../testing/tcp-harness.js";
import { containerRuntimeAvailable, NO_CONTAINER_RUNTIME_MESSAGE } from "./container-runtime.js";
import { createNetworkFaults, type NetworkFaults } from "./network-faults.js";
import { isToxiproxyApiError } from "./toxiproxy-client.js";

let echo: EchoServer;
let clock: ManualClock;
let journal: FaultJournal;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  echo = await startEchoServer();
  clock = createManualClock(Date.UTC(2026, 0, 1));
  journal = createFaultJournal(clock);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await echo.close();
});

async function embedded(): Promise<NetworkFaults> {
  const faults = await createNetworkFaults({ seed: 3, clock, journal });
  cleanups.push(() => faults.close());
  return faults;
}

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > 5_000) throw new Error("The condition did not come true within 5 s.");
    await sleep(10);
  }
}

const outcomes = () => journal.entries().map((entry) => `${entry.fault} ${entry.outcome}`);

describe("createNetworkFaults: embedded backend (default)", () => {
  it("serves the Toxiproxy API for any client and proxies real connections", async () => {
    const faults = await embedded();
    expect([faults.backend, faults.seed]).toEqual(["embedded", 3]);
    expect(await new Toxiproxy(faults.apiUrl).getVersion()).toBe('{"version": "2.12.0"}\n');
    const proxy = await faults.createProxy({ name: "echo", upstream: echo.address });
    const { host, port } = faults.address(proxy);
    expect(host).toBe("127.0.0.1");
    const connection = await connectClient(port, host);
    connection.socket.write("hi");
    expect((await connection.waitFor(2)).toString()).toBe("hi");
    await faults.setEnabled("echo", false);
    expect((await connection.ended).data.toString()).toBe("hi");
    expect(await tryConnect(port)).toBe("ECONNREFUSED");
    expect((await faults.getProxy("echo")).enabled).toBe(false);
    expect(
      journal
        .entries()
        .map(({ fault, target, outcome, detail }) => ({ fault, target, outcome, detail })),
    ).toEqual([
      { fault: "down", target: "echo", outcome: "disabled", detail: { connectionsClosed: 1 } },
    ]);
    await faults.reset();
    expect((await faults.listProxies()).map((each) => each.enabled)).toEqual([true]);
  });

  it("reports API refusals as ToxiproxyApiError with Toxiproxy's status and message", async () => {
    const faults = await embedded();
    await faults.createProxy({ name: "echo", upstream: echo.address });
    const refusal = await faults
      .createProxy({ name: "echo", upstream: echo.address })
      .catch((error: unknown) => error);
    expect(isToxiproxyApiError(refusal)).toBe(true);
    expect(refusal).toMatchObject({
      status: 409,
      apiMessage: "proxy already exists",
      message: "Toxiproxy refused POST /proxies: HTTP 409: proxy already exists.",
    });
  });

  it("populates proxies with toxics in one call", async () => {
    const faults = await embedded();
    const [proxy] = await faults.populate([
      {
        name: "slow",
        upstream: echo.address,
        toxics: [{ type: "latency", attributes: { latency: 10 } }],
      },
    ]);
    expect(proxy?.toxics.map((toxic) => toxic.name)).toEqual(["latency_downstream"]);
    expect((await faults.listToxics("slow")).length).toBe(1);
    await faults.updateToxic("slow", "latency_downstream", { attributes: { latency: 20 } });
    await faults.removeToxic("slow", "latency_downstream");
    expect(await faults.listToxics("slow")).toEqual([]);
  });
});

describe("named fault: stall then heal", () => {
  it("holds the bytes for the duration, then lets them all through on the same connection", async () => {
    const faults = await embedded();
    const proxy = await faults.createProxy({ name: "echo", upstream: echo.address });
    const connection = await connectClient(faults.address(proxy).port);
    const stall = await faults.stallThenHeal("echo", { durationMs: 5_000 });
    connection.socket.write("held back");
    await sleep(300);
    expect(connection.received().length).toBe(0);
    clock.advance(5_000);
    await stall.healed;
    expect((await connection.waitFor(9)).toString()).toBe("held back");
    expect(outcomes()).toEqual([
      "bandwidth applied",
      "stall-then-heal stalled",
      "stall-then-heal healed",
    ]);
    expect(await faults.listToxics("echo")).toEqual([]);
    connection.socket.destroy();
  });

  it("refuses a negative duration", async () => {
    const faults = await embedded();
    await expect(faults.stallThenHeal("echo", { durationMs: -1 })).rejects.toThrow(
      "stallThenHeal needs durationMs >= 0 (how long to stall), got -1.",
    );
  });
});

describe("named fault: black hole", () => {
  it("accepts and reads but never answers, until healed; then new connections flow", async () => {
    const faults = await embedded();
    const proxy = await faults.createProxy({ name: "echo", upstream: echo.address });
    const hole = await faults.blackHole("echo");
    const swallowed = await connectClient(faults.address(proxy).port);
    swallowed.socket.write("anyone there?");
    await sleep(300);
    expect([swallowed.received().length, swallowed.socket.destroyed]).toEqual([0, false]);
    await hole.heal();
    await hole.healed;
    expect((await swallowed.ended).data.length).toBe(0);
    const fresh = await connectClient(faults.address(proxy).port);
    fresh.socket.write("back");
    expect((await fresh.waitFor(4)).toString()).toBe("back");
    fresh.socket.destroy();
    expect(outcomes().filter((outcome) => outcome.startsWith("black-hole"))).toEqual([
      "black-hole applied",
      "black-hole healed",
    ]);
  });

  it("heals by itself after durationMs on the clock", async () => {
    const faults = await embedded();
    await faults.createProxy({ name: "echo", upstream: echo.address });
    const hole = await faults.blackHole("echo", { durationMs: 1_000 });
    expect((await faults.listToxics("echo")).map((toxic) => toxic.name)).toEqual([
      "black_hole_upstream",
      "black_hole_downstream",
    ]);
    clock.advance(1_000);
    await hole.healed;
    expect(await faults.listToxics("echo")).toEqual([]);
  });

  it("makes close() report a healing that failed", async () => {
    const faults = await createNetworkFaults({ clock, journal });
    await faults.createProxy({ name: "echo", upstream: echo.address });
    await faults.blackHole("echo", { durationMs: 1_000 });
    await faults.deleteProxy("echo");
    clock.advance(1_000);
    await sleep(50);
    await expect(faults.close()).rejects.toThrow(
      "A scheduled network fault change failed: Toxiproxy refused DELETE /proxies/echo/toxics/black_hole_upstream: HTTP 404: proxy not found.",
    );
  });
});

describe("createNetworkFaults: external backend", () => {
  it("drives the Toxiproxy at TOXIPROXY_URL, running toxic windows from the client side", async () => {
    const server = await startToxiproxyServer({ port: 0 });
    cleanups.push(() => server.close());
    const faults = await createNetworkFaults({
      backend: "external",
      clock,
      journal,
      env: { TOXIPROXY_URL: server.url },
    });
    cleanups.push(() => faults.close());
    expect([faults.backend, faults.apiUrl, faults.seed]).toEqual([
      "external",
      server.url,
      undefined,
    ]);
    await faults.createProxy({ name: "ext", upstream: echo.address });
    const planned = await faults.addToxic("ext", {
      type: "latency",
      attributes: { latency: 5, start_after: 500, remove_after: 1_500 },
    });
    expect(planned).toEqual({
      attributes: { latency: 5, start_after: 500, remove_after: 1_500 },
      name: "latency_downstream",
      type: "latency",
      stream: "downstream",
      toxicity: 1,
    });
    const listed = async () => (await rawHttp(server.url, "GET", "/proxies/ext/toxics")).body;
    expect(await listed()).toBe("[]");
    clock.advance(500);
    await until(async () => (await listed()) !== "[]");
    expect(await listed()).toBe(
      '[{"attributes":{"latency":5,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}]',
    );
    clock.advance(1_000);
    await until(async () => (await listed()) === "[]");
    expect(outcomes()).toEqual(["latency window-opened", "latency window-closed"]);
  });

  it("says clearly when nothing answers at the URL", async () => {
    await expect(
      createNetworkFaults({ backend: "external", url: "http://127.0.0.1:1" }),
    ).rejects.toThrow(
      "Failed to reach the external Toxiproxy at http://127.0.0.1:1: fetch failed. Please start toxiproxy-server there, or set TOXIPROXY_URL to one that runs.",
    );
  });
});

describe("createNetworkFaults: container backend", () => {
  it("refuses with one clear line where no Docker engine answers (this machine has none)", async () => {
    expect(await containerRuntimeAvailable()).toBe(false);
    const failure = await createNetworkFaults({ backend: "container" }).catch(
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(NO_CONTAINER_RUNTIME_MESSAGE);
    expect(NO_CONTAINER_RUNTIME_MESSAGE.includes("\n")).toBe(false);
  });
});

describe("createNetworkFaults: options", () => {
  it("refuses an unknown backend and a bad URL, naming the fields", async () => {
    await expect(
      createNetworkFaults({ backend: "docker", url: "nowhere" } as never),
    ).rejects.toThrow(
      new TypeError(
        'Invalid createNetworkFaults options: backend: must be "embedded", "external" or "container"; url: must be an http(s) URL such as http://127.0.0.1:8474. Please fix the fields named.',
      ),
    );
  });
});
