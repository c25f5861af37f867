import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createConnection } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createToxiproxyClient } from "@workflowmaster/chaos";
import { Direction, type Figure } from "../figure.js";
import { median } from "../median.js";
import { pairedRounds } from "../paired-rounds.js";
import type { Suite } from "../suite.js";
import { round3 } from "./checkpoint-suite.js";

const PING_BYTES = 64;
const BULK_BYTES = 8 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
const START_TIMEOUT_MS = 60_000;

// The CLI a person runs (`workflowmaster-chaos toxiproxy`), started the way its bin starts it.
const CHAOS_BIN = fileURLToPath(
  new URL(
    "../../../node_modules/@workflowmaster/scenarios/bin/workflowmaster-chaos.js",
    import.meta.url,
  ),
);

// Children exit when their stdin closes, so none outlives a bench that dies.
const EXIT_WITH_PARENT = `process.stdin.on("end", () => process.exit(0)); process.stdin.resume();`;

/** A TCP echo server on loopback, in its own process; prints its port. */
const ECHO_SCRIPT = `
const net = require("node:net");
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on("error", (error) => { process.stderr.write("echo: " + error.message + "\\n"); socket.destroy(); });
  socket.pipe(socket);
});
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));
${EXIT_WITH_PARENT}`;

/**
 * The least a proxy written on Node's sockets can do, for reference: each
 * accepted connection joined to the upstream (port in argv) with two
 * \`pipe\`s, in its own process; prints its port.
 */
const PIPE_PROXY_SCRIPT = `
const net = require("node:net");
const upstreamPort = Number(process.argv[1]);
const server = net.createServer((client) => {
  client.setNoDelay(true);
  const upstream = net.connect({ host: "127.0.0.1", port: upstreamPort, noDelay: true });
  for (const socket of [client, upstream]) {
    socket.on("error", (error) => { process.stderr.write("pipe proxy: " + error.message + "\\n"); client.destroy(); upstream.destroy(); });
  }
  client.pipe(upstream);
  upstream.pipe(client);
});
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));
${EXIT_WITH_PARENT}`;

interface Child {
  readonly process: ChildProcess;
  /** Its first line of output (a port or the API URL). */
  readonly announced: string;
  stop(): Promise<void>;
}

/** Starts `args` under this Node and waits for its first line on stdout. */
async function startChild(what: string, args: readonly string[]): Promise<Child> {
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });
  // Settles when the child is gone, or never started ('error' without 'exit').
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    child.stdin?.end();
    await exited;
  };
  try {
    const announced = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      // Whichever comes first settles; the later ones find the promise settled.
      const fail = (error: Error) => {
        clearTimeout(timer);
        lines.close();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new Error(`The ${what} did not start within ${START_TIMEOUT_MS} ms.`)),
        START_TIMEOUT_MS,
      );
      lines.once("line", (line) => {
        clearTimeout(timer);
        resolve(line);
        lines.close();
      });
      lines.once("close", () =>
        fail(new Error(`The ${what} exited before announcing itself (exit ${child.exitCode}).`)),
      );
      child.once("error", fail);
    });
    return { process: child, announced, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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
 * in interleaved rounds. As with a real Toxiproxy, the proxy runs in its own
 * process (`workflowmaster-chaos toxiproxy`), and so does the echo server;
 * the clients run here. Direct and proxied differ only by the proxy hop.
 */
export const proxySuite: Suite = {
  name: "proxy",
  async run(context) {
    const children: Child[] = [];
    const clients: Awaited<ReturnType<typeof echoClient>>[] = [];
    try {
      const echo = await startChild("echo server", ["-e", ECHO_SCRIPT]);
      children.push(echo);
      const echoPort = Number(echo.announced);
      const toxiproxy = await startChild("Toxiproxy-compatible server", [
        CHAOS_BIN,
        "toxiproxy",
        "--port",
        "0",
        "--seed",
        "1",
      ]);
      children.push(toxiproxy);
      const url = toxiproxy.announced.replace(/^listening on /, "");
      const pipeProxy = await startChild("pipe proxy", ["-e", PIPE_PROXY_SCRIPT, String(echoPort)]);
      children.push(pipeProxy);
      const proxy = await createToxiproxyClient(url).createProxy({
        name: "bench-echo",
        listen: "127.0.0.1:0",
        upstream: `127.0.0.1:${echoPort}`,
      });
      const proxyPort = Number(proxy.listen.split(":").at(-1));
      const direct = await echoClient(echoPort);
      const proxied = await echoClient(proxyPort);
      const piped = await echoClient(Number(pipeProxy.announced));
      clients.push(direct, proxied, piped);
      context.log("proxy: round trips and bulk echo, direct vs through the proxy (own processes)");
      const rounds = 5;
      const latency = await pairedRounds({
        rounds,
        time: 300,
        iterations: 200,
        warmupIterations: 50,
        tasks: { direct: direct.roundTrip, proxied: proxied.roundTrip },
      });
      const bulkRounds = 7;
      const bulk = await pairedRounds({
        rounds: bulkRounds,
        time: 0,
        iterations: 4,
        warmupIterations: 1,
        tasks: { direct: direct.bulk, proxied: proxied.bulk, piped: piped.bulk },
      });
      const at = (table: Record<string, number[]>, name: string, round: number) =>
        table[name]?.[round] ?? Number.NaN;
      const each = (count: number, pick: (round: number) => number) =>
        median(Array.from({ length: count }, (_, round) => pick(round)));
      const addedP50 = each(rounds, (r) => at(latency, "proxied", r) - at(latency, "direct", r));
      const mbps = (name: string) =>
        each(bulkRounds, (r) => BULK_BYTES / 1024 / 1024 / (at(bulk, name, r) / 1000));
      const share = (name: string) =>
        each(bulkRounds, (r) => at(bulk, "direct", r) / at(bulk, name, r));
      const figures: Figure[] = [
        {
          id: "proxy.latency-p50",
          suite: "proxy",
          title: "Proxy round trip p50 / direct loopback p50 (no toxics)",
          value: each(rounds, (r) => at(latency, "proxied", r) / at(latency, "direct", r)),
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
          value: share("proxied"),
          direction: Direction.HigherIsBetter,
          target: 0.5,
          details: {
            "direct MiB/s": Math.round(mbps("direct")),
            "proxied MiB/s": Math.round(mbps("proxied")),
            "node pipe proxy / direct (reference)": round3(share("piped")),
            "proxied / node pipe proxy": round3(
              each(bulkRounds, (r) => at(bulk, "piped", r) / at(bulk, "proxied", r)),
            ),
            "bytes per sample": BULK_BYTES,
            rounds: bulkRounds,
          },
        },
      ];
      return figures;
    } finally {
      for (const client of clients) await client.close();
      for (const child of children.reverse()) await child.stop();
    }
  },
};
