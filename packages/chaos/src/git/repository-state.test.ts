import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { captureRepositoryState, fsckNoWorse } from "./repository-state.js";
import { createTempRepository } from "./temp-repository.js";

describe("captureRepositoryState", () => {
  it("captures the same state twice when nothing changed", async () => {
    const temp = await createTempRepository();
    try {
      await temp.write("work.txt", "uncommitted\n");
      await temp.write(".workflowmaster/runs/r1/journal.ndjson", "{}\n");
      const first = await captureRepositoryState(temp.dir);
      const second = await captureRepositoryState(temp.dir);
      expect(second).toEqual(first);
      expect(first.fsck).toEqual({ exitCode: 0, problems: [] });
      expect(Object.keys(first.worktree).sort()).toEqual([
        "README.md",
        "src/greeting.txt",
        "work.txt",
      ]);
      expect(first.worktree["work.txt"]).toEqual(Buffer.from("uncommitted\n"));
      expect(first.refs["refs/heads/main"]).toBe(await temp.git(["rev-parse", "HEAD"]));
      expect(first.index).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await temp.cleanup();
    }
  });

  it("sees a one-byte change in the working tree", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      const before = await captureRepositoryState(temp.dir);
      await writeFile(join(temp.dir, "README.md"), "# A temporary repositorY\n");
      const after = await captureRepositoryState(temp.dir);
      expect(after.worktree["README.md"]).not.toEqual(before.worktree["README.md"]);
      expect(after.objects).toEqual(before.objects);
    } finally {
      await temp.cleanup();
    }
  });
});

describe("fsckNoWorse", () => {
  it("accepts the same or fewer problems and refuses new ones", () => {
    const clean = { exitCode: 0, problems: [] };
    const broken = { exitCode: 2, problems: ["error: a", "missing blob b"] };
    expect(fsckNoWorse(broken, broken)).toBe(true);
    expect(fsckNoWorse(broken, clean)).toBe(true);
    expect(fsckNoWorse(clean, broken)).toBe(false);
    expect(fsckNoWorse(broken, { exitCode: 2, problems: ["error: c"] })).toBe(false);
    expect(fsckNoWorse(broken, { exitCode: 4, problems: ["error: a"] })).toBe(false);
  });
});
