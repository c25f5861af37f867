import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runNode } from "./run-child.js";
import { RSS_FILE_ENV } from "./suites/run-memory-suite.js";

const PRELOAD = fileURLToPath(new URL("./rss-at-exit.mjs", import.meta.url));
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-bench-rss-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("the rss-at-exit preload", () => {
  it("writes the process's peak RSS in bytes at exit, including after process.exit", async () => {
    const file = join(dir, "rss.json");
    // 64 MiB held, so the peak is visibly above a bare Node's.
    const script =
      "const held = Buffer.alloc(64 * 1024 * 1024, 1); process.exit(held[0] === 1 ? 0 : 1);";
    const result = await runNode(["--import", PRELOAD, "-e", script], {
      cwd: dir,
      env: { ...process.env, [RSS_FILE_ENV]: file },
    });
    expect(result.code).toBe(0);
    const { maxRssBytes } = JSON.parse(await readFile(file, "utf8")) as { maxRssBytes: number };
    expect(Number.isInteger(maxRssBytes)).toBe(true);
    expect(maxRssBytes).toBeGreaterThan(64 * 1024 * 1024);
  });

  it("writes nothing when the variable is unset", async () => {
    const env = { ...process.env };
    delete env[RSS_FILE_ENV];
    const result = await runNode(["--import", PRELOAD, "-e", "0"], { cwd: dir, env });
    expect([result.code, result.stderr]).toEqual([0, ""]);
    await expect(readFile(join(dir, "rss.json"), "utf8")).rejects.toThrow("ENOENT");
  });
});
