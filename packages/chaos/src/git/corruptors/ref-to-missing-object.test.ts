import { describe, expect, it } from "vitest";
import { runGit } from "../run-git.js";
import { createTempRepository } from "../temp-repository.js";
import { refToMissingObject } from "./ref-to-missing-object.js";

describe("refToMissingObject", () => {
  it("points the checked-out branch at a missing object and leaves its reflog alone", async () => {
    const temp = await createTempRepository({ bareRemote: false, commits: 2 });
    try {
      const head = (await temp.git(["rev-parse", "HEAD"])).trim();
      const reflogBefore = await temp.git(["reflog", "--format=%H", "refs/heads/main"]);
      const applied = await refToMissingObject.apply(temp.dir);
      expect(applied.detail).toMatchObject({ ref: "refs/heads/main", before: head });
      const missing = String(applied.detail.missing);
      expect(missing).toMatch(/^[0-9a-f]{40}$/);
      expect((await runGit(["cat-file", "-e", missing], { cwd: temp.dir })).exitCode).not.toBe(0);
      const status = await runGit(["status"], { cwd: temp.dir });
      expect(status.exitCode).toBe(128);
      expect(status.stderr).toBe("fatal: bad object HEAD\n");
      expect(reflogBefore.split("\n")[0]).toBe(head);
    } finally {
      await temp.cleanup();
    }
  });
});
