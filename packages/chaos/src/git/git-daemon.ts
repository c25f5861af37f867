import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { z } from "zod";
import { parseOptions } from "../options/parse-options.js";

export interface GitDaemonOptions {
  /** The directory whose repositories are served (`--base-path`). */
  basePath: string;
  /** A loopback port; a free one is chosen when absent. */
  port?: number;
}

/**
 * A real `git daemon` on 127.0.0.1 serving every repository under
 * `basePath` for fetch and push (`git://127.0.0.1:PORT/<name>`). `stop()`
 * and `start()` take the server away and bring it back on the same port,
 * so a test can cut the network under a push ("Connection refused") and
 * restore it.
 */
export interface GitDaemon {
  readonly port: number;
  /** The URL of the repository at `basePath/<name>`. */
  url(name: string): string;
  readonly running: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const optionsSchema = z.strictObject({
  basePath: z.string().min(1, "must be the directory to serve"),
  port: z.int().min(1).max(65_535).optional(),
});

/** How long the daemon may take to say it listens before the start is abandoned. */
const READY_TIMEOUT_MS = 10_000;

export async function startGitDaemon(options: GitDaemonOptions): Promise<GitDaemon> {
  const parsed = parseOptions(optionsSchema, options, "git daemon options");
  const port = parsed.port ?? (await freeLoopbackPort());
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child !== undefined) return;
    const spawned = spawn(
      "git",
      [
        "daemon",
        "--reuseaddr",
        "--export-all",
        "--enable=receive-pack",
        "--informative-errors",
        "--verbose",
        "--listen=127.0.0.1",
        `--port=${port}`,
        `--base-path=${parsed.basePath}`,
        parsed.basePath,
      ],
      { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_ALL: "C" } },
    );
    child = spawned;
    await waitUntilReady(spawned, port);
  };

  const stop = async () => {
    const running = child;
    if (running === undefined) return;
    child = undefined;
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGTERM");
    await exited;
  };

  await start();
  return {
    port,
    url: (name) => `git://127.0.0.1:${port}/${name}`,
    get running() {
      return child !== undefined;
    },
    start,
    stop,
  };
}

function waitUntilReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `git daemon did not start on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms: ${output.trim()}`,
        ),
      );
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Ready to rumble")) {
        clearTimeout(timer);
        child.stderr?.off("data", onData);
        // Keep draining stderr so a chatty daemon never blocks on a full pipe.
        child.stderr?.resume();
        resolve();
      }
    };
    child.stderr?.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `git daemon exited before it was ready (code ${code}, signal ${signal}): ${output.trim()}`,
        ),
      );
    });
  });
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
