import { once } from "node:events";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { createToxiproxyClient, startToxiproxyServer } from "@workflowmaster/chaos";
import { Direction, type Figure } from "../figure.js";
import { median } from "../median.js";
import { pairedRounds } from "../paired-rounds.js";
import type { Suite } from "../suite.js";
import { round3 } from "./checkpoint-suite.js";

const PING_BYTES = 64;
const BULK_BYTES = 8 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

/** A TCP echo server on loopback. */
async function startEcho(): Promise<{ server: Server; port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.pipe(socket);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  server.on("close", () => {
    for (const socket of sockets) socket.destroy();
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("echo server has no port");
  return { server, port: address.port };
}

/** One persistent connection that sends `bytes` and resolves when as many have come back. */
async function echoClient(port: number) {
  const socket = createConnection({ host: "127.0.0.1", port });
  socket.setNoDelay(true);
  await once(socket, "connect");
  let waiting: { remaining: number; resolve: () => void } | undefined;
  socket.on("data", (chunk: Buffer) => {
    if (waiting === undefined) throw new Error("echo bytes arrived with nobody waiting");
    waiting.remaining -= chunk.length;
    if (waiting.remaining <= 0) {
      const { resolve } = waiting;
      waiting = undefined;
      resolve();
    }
  });
  const ping = Buffer.alloc(PING_BYTES, 1);
  const chunk = Buffer.alloc(CHUNK_BYTES, 2);
  const exchange = (send: () => void, bytes: number) =>
    new Promise<void>((resolve, reject) => {
      waiting = { remaining: bytes, resolve };
      socket.once("error", reject);
      send();
    }).finally(() => socket.removeAllListeners("error"));
  return {
    roundTrip: () => exchange(() => socket.write(ping), PING_BYTES),
    bulk: () =>
      exchange(() => {
        for (let sent = 0; sent < BULK_BYTES; sent += CHUNK_BYTES) socket.write(chunk);
      }, BULK_BYTES),
    close: async () => {
      socket.end();
      socket.destroy();
    },
  };
}

/**
 * Round-trip latency and throughput through the embedded Toxiproxy-compatible
 * proxy with no toxics vs direct loopback to the same echo server, measured
 * in interleaved rounds.
 */
export const proxySuite: Suite = {
  name: "proxy",
  async run(context) {
    const echo = await startEcho();
    const toxiproxy = await startToxiproxyServer({ port: 0, seed: 1 });
    const clients: Awaited<ReturnType<typeof echoClient>>[] = [];
    try {
      const api = createToxiproxyClient(toxiproxy.url);
      const proxy = await api.createProxy({
        name: "bench-echo",
        listen: "127.0.0.1:0",
        upstream: `127.0.0.1:${echo.port}`,
      });
      const proxyPort = Number(proxy.listen.split(":").at(-1));
      const direct = await echoClient(echo.port);
      const proxied = await echoClient(proxyPort);
      clients.push(direct, proxied);
      context.log("proxy: round trips and bulk echo, direct vs through the proxy");
      const rounds = 5;
      const latency = await pairedRounds({
        rounds,
        time: 300,
        iterations: 200,
        warmupIterations: 50,
        tasks: { direct: direct.roundTrip, proxied: proxied.roundTrip },
      });
      const bulk = await pairedRounds({
        rounds,
        time: 0,
        iterations: 4,
        warmupIterations: 1,
        tasks: { direct: direct.bulk, proxied: proxied.bulk },
      });
      const at = (table: Record<string, number[]>, name: string, round: number) =>
        table[name]?.[round] ?? Number.NaN;
      const each = (pick: (round: number) => number) =>
        median(Array.from({ length: rounds }, (_, round) => pick(round)));
      const addedP50 = each((r) => at(latency, "proxied", r) - at(latency, "direct", r));
      const mbps = (name: string) =>
        each((r) => BULK_BYTES / 1024 / 1024 / (at(bulk, name, r) / 1000));
      const figures: Figure[] = [
        {
          id: "proxy.latency-p50",
          suite: "proxy",
          title: "Proxy round trip p50 / direct loopback p50 (no toxics)",
          value: each((r) => at(latency, "proxied", r) / at(latency, "direct", r)),
          direction: Direction.LowerIsBetter,
          details: {
            "added p50 ms (target <= 0.2)": round3(addedP50),
            "direct p50 ms": round3(median(latency.direct ?? [])),
            "proxied p50 ms": round3(median(latency.proxied ?? [])),
            "message bytes": PING_BYTES,
            rounds,
          },
        },
        {
          id: "proxy.added-p50-ms",
          suite: "proxy",
          title: "Proxy added round-trip p50, ms (proxied - direct, same rounds)",
          value: round3(addedP50),
          direction: Direction.LowerIsBetter,
          target: 0.2,
          details: { note: "a same-run difference; reported against its target, not gated" },
        },
        {
          id: "proxy.throughput",
          suite: "proxy",
          title: "Proxy throughput / direct loopback throughput (no toxics)",
          value: each((r) => at(bulk, "direct", r) / at(bulk, "proxied", r)),
          direction: Direction.HigherIsBetter,
          target: 0.5,
          details: {
            "direct MiB/s": Math.round(mbps("direct")),
            "proxied MiB/s": Math.round(mbps("proxied")),
            "bytes per sample": BULK_BYTES,
            rounds,
          },
        },
      ];
      return figures;
    } finally {
      for (const client of clients) await client.close();
      await toxiproxy.close();
      await new Promise<void>((resolve, reject) =>
        echo.server.close((error) => (error ? reject(error) : resolve())),
      );
    }
  },
};
