import { describe, expect, it } from "vitest";
import { runGit } from "../run-git.js";
import { createTempRepository } from "../temp-repository.js";
import { detachedHead } from "./detached-head.js";

describe("detachedHead", () => {
  it("detaches HEAD at its commit and keeps uncommitted changes", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      await temp.write("README.md", "local change\n");
      const head = (await temp.git(["rev-parse", "HEAD"])).trim();
      const applied = await detachedHead.apply(temp.dir);
      expect(applied.detail).toEqual({ branch: "main", sha: head });
      expect((await runGit(["symbolic-ref", "-q", "HEAD"], { cwd: temp.dir })).exitCode).toBe(1);
      expect((await temp.git(["rev-parse", "HEAD"])).trim()).toBe(head);
      expect(await temp.git(["status", "--porcelain"])).toBe(" M README.md\n");
    } finally {
      await temp.cleanup();
    }
  });
});
