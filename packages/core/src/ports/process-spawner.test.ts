import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { nodeProcessSpawner } from "./process-spawner.js";

describe("node process spawner", () => {
  it("returns exit code and both streams of a real child", async () => {
    const chunks: string[] = [];
    const result = await nodeProcessSpawner.run("sh", ["-c", "echo out; echo err >&2; exit 3"], {
      cwd: tmpdir(),
      onOutput: (chunk) => chunks.push(chunk),
    });
    expect(result).toEqual({ exitCode: 3, signal: null, stdout: "out\n", stderr: "err\n" });
    expect(chunks.join("").split("\n").sort()).toEqual(["", "err", "out"]);
  });

  it("passes the environment and standard input", async () => {
    const result = await nodeProcessSpawner.run("sh", ["-c", 'printf "%s:" "$WFM_X"; cat'], {
      cwd: tmpdir(),
      env: { WFM_X: "yes" },
      input: "piped",
    });
    expect(result.stdout).toBe("yes:piped");
  });

  it("kills the whole process group when aborted", async () => {
    const controller = new AbortController();
    const running = nodeProcessSpawner.run("sh", ["-c", "sleep 30 & echo started; wait"], {
      cwd: tmpdir(),
      signal: controller.signal,
      onOutput: (chunk) => {
        if (chunk.includes("started")) controller.abort();
      },
    });
    const result = await running;
    expect(result.signal).toBe("SIGTERM");
  });

  it("tells a live pid from a dead one", async () => {
    expect(nodeProcessSpawner.isAlive(process.pid)).toBe(true);
    const result = await nodeProcessSpawner.run("sh", ["-c", "echo $$"], { cwd: tmpdir() });
    const deadPid = Number(result.stdout.trim());
    expect(nodeProcessSpawner.isAlive(deadPid)).toBe(false);
  });

  it("rejects when the command does not exist", async () => {
    await expect(
      nodeProcessSpawner.run("wfm-no-such-command", [], { cwd: tmpdir() }),
    ).rejects.toMatchObject({ code: "ENOENT" });
  });
});
