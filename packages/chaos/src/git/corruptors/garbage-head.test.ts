import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGit } from "../run-git.js";
import { createTempRepository } from "../temp-repository.js";
import { garbageHead } from "./garbage-head.js";

describe("garbageHead", () => {
  it("overwrites HEAD so git no longer sees a repository", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      const applied = await garbageHead.apply(temp.dir);
      expect(applied.detail.before).toBe("ref: refs/heads/main");
      const head = await readFile(join(temp.dir, ".git", "HEAD"), "latin1");
      expect(head).toBe(applied.detail.after);
      expect(head).not.toMatch(/^ref: /);
      const status = await runGit(["status"], { cwd: temp.dir });
      expect(status.exitCode).toBe(128);
      expect(status.stderr).toMatch(/^fatal: not a git repository/);
    } finally {
      await temp.cleanup();
    }
  });
});
