import { Toxiproxy } from "toxiproxy-node-client";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../clock/virtual-clock.js";
import { createFaultJournal } from "../../journal/fault-journal.js";
import { connectClient, portOf, startEchoServer } from "../testing/tcp-harness.js";
import { startToxiproxyServer } from "./toxiproxy-server.js";

interface Toxic {
  name: string;
  type: "limit_data" | "latency";
  stream: "upstream" | "downstream";
  toxicity: number;
  attributes: Record<string, number>;
}

/**
 * Runs `connections` connections one after another through a proxy with
 * `toxics`, each sending "ping"; returns what each saw and the journal
 * without timestamps (the decisions).
 */
async function run(seed: number, toxics: Toxic[], connections: number) {
  const echo = await startEchoServer();
  const journal = createFaultJournal(createVirtualClock());
  const server = await startToxiproxyServer({ port: 0, seed, journal });
  try {
    const client = new Toxiproxy(server.url);
    const proxy = await client.createProxy({
      name: "seeded",
      listen: "127.0.0.1:0",
      upstream: echo.address,
    });
    for (const toxic of toxics) await proxy.addToxic(toxic);
    const outcomes: string[] = [];
    for (let index = 0; index < connections; index += 1) {
      const connection = await connectClient(portOf(proxy.listen));
      connection.socket.write("ping");
      const outcome = await connection.waitFor(4).then(
        () => "passed",
        async () => `cut after ${(await connection.ended).data.length} bytes`,
      );
      outcomes.push(outcome);
      connection.socket.destroy();
      await connection.ended;
    }
    const decisions = journal
      .entries()
      .map(({ fault, target, outcome, detail }) => ({ fault, target, outcome, detail }));
    return { outcomes, decisions };
  } finally {
    await server.close();
    await echo.close();
  }
}

const cut: Toxic = {
  name: "cut",
  type: "limit_data",
  stream: "downstream",
  toxicity: 0.5,
  attributes: { bytes: 0 },
};

describe("seeded toxicity", () => {
  it("makes the same decisions, connection by connection, under the same seed", async () => {
    const first = await run(11, [cut], 12);
    const second = await run(11, [cut], 12);
    expect(second).toEqual(first);
    expect(new Set(first.outcomes)).toEqual(new Set(["passed", "cut after 0 bytes"]));
    const applied = first.decisions.filter((entry) => entry.outcome === "applied");
    expect(applied.length).toBe(first.outcomes.filter((o) => o !== "passed").length);
    expect(applied[0]).toEqual({
      fault: "limit_data",
      target: "seeded/cut",
      outcome: "applied",
      detail: {
        connection: expect.any(Number),
        stream: "downstream",
        toxicity: 0.5,
      },
    });
  });

  it("makes other decisions under another seed", async () => {
    const first = await run(11, [cut], 12);
    const other = await run(12, [cut], 12);
    expect(other.outcomes).not.toEqual(first.outcomes);
  });

  it("rolls each direction of a connection on its own", async () => {
    const half = (stream: "upstream" | "downstream"): Toxic => ({
      name: `half_${stream}`,
      type: "latency",
      stream,
      toxicity: 0.5,
      attributes: { latency: 0, jitter: 0 },
    });
    const { decisions } = await run(3, [half("upstream"), half("downstream")], 12);
    const streamsByConnection = new Map<number, string[]>();
    for (const entry of decisions) {
      const { connection, stream } = entry.detail as { connection: number; stream: string };
      streamsByConnection.set(connection, [...(streamsByConnection.get(connection) ?? []), stream]);
    }
    const shapes = new Set([...streamsByConnection.values()].map((streams) => streams.join("+")));
    expect(shapes.has("upstream")).toBe(true);
    expect(shapes.has("downstream")).toBe(true);
  });
});

describe("seeded jitter", () => {
  const jittery: Toxic = {
    name: "jitter",
    type: "latency",
    stream: "downstream",
    toxicity: 1,
    attributes: { latency: 20, jitter: 15 },
  };
  const delays = (decisions: { outcome?: string; detail?: unknown }[]) =>
    decisions
      .filter((entry) => entry.outcome === "delayed")
      .map((entry) => (entry.detail as { delayMs: number }).delayMs);

  it("draws the same delays under the same seed, each within latency ± jitter", async () => {
    const first = delays((await run(5, [jittery], 6)).decisions);
    const second = delays((await run(5, [jittery], 6)).decisions);
    expect(second).toEqual(first);
    expect(first.length).toBe(6);
    for (const delay of first) {
      expect(delay).toBeGreaterThanOrEqual(5);
      expect(delay).toBeLessThan(35);
    }
    expect(delays((await run(6, [jittery], 6)).decisions)).not.toEqual(first);
  });
});
