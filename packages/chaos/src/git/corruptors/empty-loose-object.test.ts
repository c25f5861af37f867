import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runGit } from "../run-git.js";
import { createTempRepository } from "../temp-repository.js";
import { emptyLooseObject } from "./empty-loose-object.js";

describe("emptyLooseObject", () => {
  it("empties the HEAD commit's object by default, which git then reports as empty", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      const head = (await temp.git(["rev-parse", "HEAD"])).trim();
      const applied = await emptyLooseObject.apply(temp.dir);
      expect(applied.detail).toMatchObject({ object: head, type: "commit", sizeAfter: 0 });
      expect((await stat(applied.target)).size).toBe(0);
      const log = await runGit(["log", "-1"], { cwd: temp.dir });
      expect(log.exitCode).toBe(128);
      expect(log.stderr).toContain(
        `object file .git/objects/${head.slice(0, 2)}/${head.slice(2)} is empty`,
      );
    } finally {
      await temp.cleanup();
    }
  });

  it("picks another reachable object when the random source says so", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      const applied = await emptyLooseObject.apply(temp.dir, { random: { next: () => 0.99 } });
      expect(applied.detail.type).toBe("blob");
      const fsck = await runGit(["fsck", "--no-dangling"], { cwd: temp.dir });
      expect(fsck.exitCode).not.toBe(0);
      expect(fsck.stderr).toContain("is empty");
    } finally {
      await temp.cleanup();
    }
  });
});
