import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runGit } from "../run-git.js";
import { createTempRepository } from "../temp-repository.js";
import { truncatedLooseObject } from "./truncated-loose-object.js";

describe("truncatedLooseObject", () => {
  it("cuts an object to half its length, which git cannot inflate", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      const applied = await truncatedLooseObject.apply(temp.dir);
      const { object, sizeBefore, sizeAfter } = applied.detail as {
        object: string;
        sizeBefore: number;
        sizeAfter: number;
      };
      expect(sizeAfter).toBe(Math.floor(sizeBefore / 2));
      expect((await stat(applied.target)).size).toBe(sizeAfter);
      const read = await runGit(["cat-file", "-p", object], { cwd: temp.dir });
      expect(read.exitCode).toBe(128);
      expect(read.stderr).toContain(`loose object ${object}`);
      expect(read.stderr).toContain("is corrupt");
    } finally {
      await temp.cleanup();
    }
  });
});
