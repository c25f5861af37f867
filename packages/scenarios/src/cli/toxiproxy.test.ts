import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const tsx = require.resolve("tsx");
const main = fileURLToPath(new URL("./main.ts", import.meta.url));

let dir: string;
let echo: Server;
let echoAddress: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-toxiproxy-cli-"));
  echo = createServer((socket) => {
    socket.on("error", () => socket.destroy());
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  echoAddress = `127.0.0.1:${(echo.address() as { port: number }).port}`;
});
afterEach(async () => {
  await new Promise<void>((resolve) => echo.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

function start(args: string[]): { child: ChildProcess; stderr: () => string } {
  const child = spawn(
    process.execPath,
    ["--import", tsx, "--conditions=@workflowmaster/source", main, "toxiproxy", ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  return { child, stderr: () => err };
}

/** The first stdout line, or the failure with stderr when the process ends first. */
function firstLine(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const end = out.indexOf("\n");
      if (end >= 0) resolve(out.slice(0, end));
    });
    child.once("exit", (code) =>
      reject(new Error(`toxiproxy exited with ${code} before printing a line: ${stderr()}`)),
    );
  });
}

const exited = (child: ChildProcess) =>
  new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve([child.exitCode, child.signalCode]);
    else child.once("exit", (code, signal) => resolve([code, signal]));
  });

/** Sends `text` through 127.0.0.1:port and returns what came back before the close. */
function through(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.once("error", reject);
    socket.once("close", () => resolve(received));
    socket.once("connect", () => socket.write(text));
  });
}

describe("workflowmaster-chaos toxiproxy", () => {
  it("prints its URL first, serves the Toxiproxy API with the configured toxics, and exits 0 on SIGTERM", async () => {
    const config = join(dir, "toxiproxy.json");
    await writeFile(
      config,
      JSON.stringify([
        {
          name: "echo",
          listen: "127.0.0.1:0",
          upstream: echoAddress,
          toxics: [{ type: "limit_data", attributes: { bytes: 4 } }],
        },
      ]),
    );
    const { child, stderr } = start(["--port", "0", "--seed", "9", "--config", config]);
    try {
      const line = await firstLine(child, stderr);
      expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = line.slice("listening on ".length);
      const version = await fetch(`${url}/version`);
      expect([version.status, await version.text()]).toEqual([200, '{"version": "2.12.0"}\n']);
      const proxies = (await (await fetch(`${url}/proxies`)).json()) as Record<
        string,
        { listen: string; toxics: { name: string }[] }
      >;
      expect(proxies.echo?.toxics.map((toxic) => toxic.name)).toEqual(["limit_data_downstream"]);
      const port = Number(proxies.echo?.listen.split(":")[1]);
      expect(await through(port, "truncated")).toBe("trun");
      expect(stderr()).toContain("seed 9 (replay with --seed 9)\n");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited(child)).toEqual([0, null]);
    expect(stderr()).toContain("Toxiproxy server stopped (SIGTERM).\n");
  });

  it("exits 0 on SIGINT too", async () => {
    const { child, stderr } = start(["--port", "0"]);
    await firstLine(child, stderr);
    child.kill("SIGINT");
    expect(await exited(child)).toEqual([0, null]);
  });

  it("exits 2 with the reason when the config is bad", async () => {
    const config = join(dir, "bad.json");
    await writeFile(config, JSON.stringify([{ name: "x", listen: "127.0.0.1:0" }]));
    const { child, stderr } = start(["--port", "0", "--config", config]);
    expect(await exited(child)).toEqual([2, null]);
    expect(stderr()).toBe(
      "Failed to start the Toxiproxy server: Failed to create the configured proxies: missing required field: upstream at proxy 1. Please fix the configuration.\n",
    );
  });
});
