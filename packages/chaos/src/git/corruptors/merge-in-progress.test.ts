import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTempRepository } from "../temp-repository.js";
import { mergeInProgress } from "./merge-in-progress.js";

describe("mergeInProgress", () => {
  it("leaves a real conflicting merge in an unchanged file, the branch and local work untouched", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      await temp.write("src/greeting.txt", "local work\n");
      const head = (await temp.git(["rev-parse", "HEAD"])).trim();
      const applied = await mergeInProgress.apply(temp.dir);
      expect(applied.detail.file).toBe("README.md");
      expect((await temp.git(["rev-parse", "MERGE_HEAD"])).trim()).toBe(applied.detail.theirs);
      expect((await temp.git(["rev-parse", "HEAD"])).trim()).toBe(head);
      expect(await temp.git(["status", "--porcelain"])).toBe("AA README.md\n M src/greeting.txt\n");
      expect(await readFile(join(temp.dir, "src/greeting.txt"), "utf8")).toBe("local work\n");
      expect(await readFile(join(temp.dir, "README.md"), "utf8")).toMatch(/^<<<<<<< HEAD\n/);
    } finally {
      await temp.cleanup();
    }
  });
});
