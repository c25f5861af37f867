import { describe, expect, it } from "vitest";
import { startGitDaemon } from "./git-daemon.js";
import { runGit } from "./run-git.js";
import { createTempRepository } from "./temp-repository.js";

describe("startGitDaemon", () => {
  it("serves the remote on loopback, goes away on stop and comes back on start", async () => {
    const temp = await createTempRepository();
    const daemon = await startGitDaemon({ basePath: temp.root });
    try {
      const url = daemon.url("remote.git");
      expect(url).toBe(`git://127.0.0.1:${daemon.port}/remote.git`);
      const served = await runGit(["ls-remote", url, "refs/heads/main"], { cwd: temp.dir });
      expect(served.exitCode).toBe(0);
      expect(served.stdout).toBe(
        `${(await temp.git(["rev-parse", "HEAD"])).trim()}\trefs/heads/main\n`,
      );

      await daemon.stop();
      expect(daemon.running).toBe(false);
      const down = await runGit(["ls-remote", url], { cwd: temp.dir });
      expect(down.exitCode).toBe(128);
      expect(down.stderr).toMatch(/Connection refused/);

      await daemon.start();
      expect(daemon.running).toBe(true);
      await temp.git(["remote", "set-url", "origin", url]);
      await temp.write("pushed.txt", "over git://\n");
      await temp.git(["add", "pushed.txt"]);
      await temp.git(["commit", "-qm", "over the daemon"]);
      await temp.git(["push", "-q", "origin", "HEAD:refs/heads/main"]);
      expect(await temp.git(["rev-parse", "refs/heads/main"], { cwd: temp.remoteDir })).toBe(
        await temp.git(["rev-parse", "HEAD"]),
      );
    } finally {
      await daemon.stop();
      await temp.cleanup();
    }
  });
});
