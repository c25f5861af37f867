import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI_BIN } from "../e2e/fixtures/e2e-world.js";
import { memoryIo } from "../fixtures/memory-io.js";
import { runCli } from "../run-cli.js";

let repoDir: string;
let child: ChildProcess | undefined;

beforeEach(async () => {
  repoDir = await mkdtemp(join(tmpdir(), "wfm-dashboard-cli-"));
  await mkdir(join(repoDir, ".git"));
});
afterEach(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
  }
  child = undefined;
  await rm(repoDir, { recursive: true, force: true });
});

describe("workflowmaster dashboard", () => {
  it("prints its loopback URL first, serves the page, and stops on SIGTERM with exit 130", async () => {
    const started = spawn(process.execPath, [CLI_BIN, "dashboard", "--cwd", repoDir], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", GITHUB_TOKEN: "cli-secret-value-99" },
    });
    child = started;
    let stdout = "";
    let stderr = "";
    started.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) =>
      started.once("exit", (code) => resolve(code)),
    );
    const url = await new Promise<string>((resolve, reject) => {
      started.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      started.once("exit", (code) =>
        reject(new Error(`exited ${code} before listening: ${stderr}`)),
      );
    });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>WorkflowMaster dashboard — ");
    const model = (await (await fetch(`${url}/api/model`)).json()) as {
      runs: unknown[];
      chaos: unknown;
    };
    expect(model.runs).toEqual([]);
    expect(model.chaos).toEqual({
      status: "absent",
      path: join(repoDir, "reports/latest/report.json"),
    });
    started.kill("SIGTERM");
    expect(await exited).toBe(130);
    expect(stdout).toBe(`listening on ${url}\n`);
    expect(stderr).toBe(
      `Dashboard of ${repoDir} at ${url} — stop it with Ctrl-C.\nDashboard stopped (SIGTERM).\n`,
    );
  });

  it("refuses a --port that is not a port with exit 2", async () => {
    for (const port of ["http", "65536", "-1"]) {
      const io = memoryIo({ cwd: repoDir });
      const code = await runCli(["dashboard", "--port", port, "--cwd", repoDir], io);
      expect({ code, out: io.out() }).toEqual({ code: 2, out: "" });
      expect(io.err().split("\n")[0]).toBe(
        `Error WFM-CLI-INPUT-INVALID: --port must be an integer from 0 to 65535 (0: a free port), got ${JSON.stringify(port)}.`,
      );
    }
  });

  it("refuses a port already in use with exit 2, naming it", async () => {
    const { createServer } = await import("node:net");
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const io = memoryIo({ cwd: repoDir });
      const code = await runCli(["dashboard", "--port", String(port), "--cwd", repoDir], io);
      expect({ code, out: io.out() }).toEqual({ code: 2, out: "" });
      expect(io.err().split("\n")[0]).toBe(
        `Error WFM-CLI-INPUT-INVALID: --port ${port} cannot be used on 127.0.0.1 (EADDRINUSE); pick another port, or --port 0 for a free one.`,
      );
    } finally {
      await new Promise<void>((resolve, reject) =>
        busy.close((error) => (error ? reject(error) : resolve())),
      );
    }
  });
});
