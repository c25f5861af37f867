import { startDashboardServer } from "../../dashboard/index.js";
import { ExitCode } from "../../engine/index.js";
import { invalidInput } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { repositoryFor } from "./command-context.js";

export interface DashboardCommandOptions {
  /** As typed: an integer from 0 to 65535 (default 0, a free port). */
  port?: string;
  cwd?: string;
}

/**
 * `workflowmaster dashboard [--port N] [--cwd DIR]`: serves the live
 * dashboard of the repository's runs on 127.0.0.1 only, first printing
 * `listening on http://127.0.0.1:PORT`, until SIGINT or SIGTERM. It then
 * stops cleanly and exits 130, the CLI's code for "ended by a signal" (as
 * `events --follow` does): a dashboard has no other way to end, and a
 * supervisor can tell the signal stop from a crash (1) or a bad option (2).
 */
export async function dashboardCommand(
  io: CliIo,
  options: DashboardCommandOptions,
): Promise<number> {
  const port = parsePort(options.port);
  const repoDir = await repositoryFor(io, options.cwd, "dashboard");
  let stopSignal: NodeJS.Signals | undefined;
  let wake: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });
  // Registered before listening, so a signal that comes at once is not lost.
  const dispose = io.onInterrupt((signal) => {
    if (stopSignal !== undefined) {
      io.stderr.write(`\nStopping now (${signal} again).\n`);
      io.exitNow(ExitCode.Interrupted);
      return;
    }
    stopSignal = signal;
    wake?.();
  });
  try {
    let server: Awaited<ReturnType<typeof startDashboardServer>>;
    try {
      server = await startDashboardServer({
        repoDir,
        port,
        ports: io.ports,
        // A copy: process.env is not a plain object, and the options schema wants one.
        env: { ...io.env },
        log: (line) => io.stderr.write(line),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE" || code === "EACCES") {
        throw invalidInput(
          "dashboard",
          "--port",
          `${port} cannot be used on 127.0.0.1 (${code}); pick another port, or --port 0 for a free one`,
        );
      }
      throw error;
    }
    io.stdout.write(`listening on ${server.url}\n`);
    io.stderr.write(`Dashboard of ${repoDir} at ${server.url} — stop it with Ctrl-C.\n`);
    await stopped;
    await server.close();
    io.stderr.write(`Dashboard stopped (${stopSignal ?? "signal"}).\n`);
    return ExitCode.Interrupted;
  } finally {
    dispose();
  }
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535) {
    throw invalidInput(
      "dashboard",
      "--port",
      `must be an integer from 0 to 65535 (0: a free port), got ${JSON.stringify(text)}`,
    );
  }
  return port;
}
