import { describe, expect, it } from "vitest";
import { runGit } from "../run-git.js";
import { createTempRepository } from "../temp-repository.js";
import { remoteMovedOn } from "./remote-moved-on.js";

describe("remoteMovedOn", () => {
  it("pushes someone else's commit to the branch, so the local push is rejected (fetch first)", async () => {
    const temp = await createTempRepository();
    try {
      await temp.git(["switch", "-q", "-c", "wfm/work"]);
      await temp.write("work.txt", "mine\n");
      await temp.git(["add", "work.txt"]);
      await temp.git(["commit", "-qm", "my work"]);
      const applied = await remoteMovedOn.apply(temp.dir);
      expect(applied.detail).toMatchObject({ branch: "wfm/work", branchExisted: false });
      const remoteTip = (
        await temp.git(["rev-parse", "refs/heads/wfm/work"], { cwd: temp.remoteDir })
      ).trim();
      expect(remoteTip).toBe(applied.detail.pushed);
      const push = await runGit(["push", "origin", "HEAD:refs/heads/wfm/work"], { cwd: temp.dir });
      expect(push.exitCode).toBe(1);
      expect(push.stderr).toMatch(/! \[rejected\] +HEAD -> wfm\/work \(fetch first\)/);
    } finally {
      await temp.cleanup();
    }
  });
});
