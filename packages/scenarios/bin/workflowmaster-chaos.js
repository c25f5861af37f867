#!/usr/bin/env node
// Runs the CLI from source through tsx, so no build step is needed. Signals
// are passed on, so SIGTERM stops a long-running `toxiproxy` or
// `github-sim` cleanly, and the exit status is the CLI's own.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const tsx = require.resolve("tsx");
const main = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const child = spawn(
  process.execPath,
  ["--import", tsx, "--conditions=@workflowmaster/source", main, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => {
  process.stderr.write(`workflowmaster-chaos: cannot start: ${error.message}\n`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  process.exit(code ?? (signal === null ? 1 : 128 + (signal === "SIGINT" ? 2 : 15)));
});
