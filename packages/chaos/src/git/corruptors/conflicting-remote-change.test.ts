import { describe, expect, it } from "vitest";
import { createTempRepository } from "../temp-repository.js";
import { conflictingRemoteChange } from "./conflicting-remote-change.js";

describe("conflictingRemoteChange", () => {
  it("pushes a different version of the file the local work changed", async () => {
    const temp = await createTempRepository();
    try {
      await temp.git(["switch", "-q", "-c", "wfm/work"]);
      await temp.write("src/greeting.txt", "my greeting\n");
      await temp.git(["commit", "-qam", "my work"]);
      const applied = await conflictingRemoteChange.apply(temp.dir);
      expect(applied.detail).toMatchObject({ branch: "wfm/work", file: "src/greeting.txt" });
      const theirs = await temp.git(["show", "refs/heads/wfm/work:src/greeting.txt"], {
        cwd: temp.remoteDir,
      });
      expect(theirs).toMatch(/^Someone else rewrote this file \([0-9a-f]{8}\)\.\n/);
      await temp.git(["fetch", "-q", "origin", "wfm/work"]);
      const merge = await temp
        .git(["merge-tree", "--write-tree", "--name-only", "HEAD", "FETCH_HEAD"])
        .catch((error: Error) => error.message);
      expect(merge).toContain("CONFLICT (content): Merge conflict in src/greeting.txt");
    } finally {
      await temp.cleanup();
    }
  });
});
