// The `workflowmaster` process: wires the real streams, environment, ports
// and signals into runCli, and exits with its code once output is flushed.
import { nodePorts } from "../ports/index.js";
import type { CliIo } from "./cli-io.js";
import { runCli } from "./run-cli.js";

const io: CliIo = {
  stdout: {
    write: (text) => process.stdout.write(text),
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns,
  },
  stderr: {
    write: (text) => process.stderr.write(text),
    isTTY: process.stderr.isTTY === true && process.env.TERM !== "dumb",
    columns: process.stderr.columns,
  },
  env: process.env,
  cwd: process.cwd(),
  ports: nodePorts(),
  onInterrupt(handler) {
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    return () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    };
  },
  exitNow: (code) => process.exit(code),
  killSelf: () => process.kill(process.pid, "SIGKILL"),
};

const flush = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => {
    stream.write("", () => resolve());
  });

const code = await runCli(process.argv.slice(2), io);
await flush(process.stdout);
await flush(process.stderr);
// Keep-alive sockets and timers of finished work must not hold the exit.
process.exit(code);
