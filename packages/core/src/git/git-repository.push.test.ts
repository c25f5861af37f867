import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createTempRepository,
  detachedHead,
  startGitDaemon,
  type TempRepository,
} from "@workflowmaster/chaos";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorKind } from "../errors/error-kind.js";
import { FaultPoint } from "../ports/fault-points.js";
import { nodeProcessSpawner, type ProcessSpawner } from "../ports/process-spawner.js";
import type { RetryInfo } from "../retry/retry-policy.js";
import {
  BRANCH,
  openRepository,
  recordingFaultPoints,
  refusalOf,
  writeWork,
} from "./fixtures/git-fixtures.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A repository on the run's branch with the work committed, ready to push. */
async function committedWork(): Promise<TempRepository> {
  const temp = await createTempRepository();
  cleanups.push(() => temp.cleanup());
  await temp.git(["switch", "--quiet", "-c", BRANCH]);
  await writeWork(temp);
  await temp.git(["add", "--all"]);
  await temp.git(["commit", "--quiet", "-m", "Add a greeting"]);
  return temp;
}

async function remoteTip(temp: TempRepository): Promise<string> {
  return (await temp.git(["rev-parse", `refs/heads/${BRANCH}`], { cwd: temp.remoteDir })).trim();
}

/** The spawner, counting `git push` commands and letting a test act just before each. */
function countingSpawner(
  beforePush: (attempt: number) => Promise<void> = async () => undefined,
): ProcessSpawner & {
  pushes: () => number;
} {
  let pushes = 0;
  return {
    pid: nodeProcessSpawner.pid,
    isAlive: (pid) => nodeProcessSpawner.isAlive(pid),
    async run(command, args, options) {
      if (args[0] === "push") {
        pushes += 1;
        await beforePush(pushes);
      }
      return nodeProcessSpawner.run(command, args, options);
    },
    pushes: () => pushes,
  };
}

describe("push of a new branch", () => {
  it("pushes HEAD to refs/heads/<branch> once and hits git.push.completed", async () => {
    const temp = await committedWork();
    const faultPoints = recordingFaultPoints();
    const spawner = countingSpawner();
    const { repo } = openRepository(temp.dir, { faultPoints, spawner, phase: "push" });
    const head = (await temp.git(["rev-parse", "HEAD"])).trim();
    const result = await repo.push(BRANCH);
    expect(result).toEqual({
      branch: BRANCH,
      remote: "origin",
      sha: head,
      outcome: "pushed",
      attempts: 1,
      rebases: 0,
      reconciled: false,
      repairs: [],
    });
    expect(await remoteTip(temp)).toBe(head);
    expect(await repo.remoteBranchSha(BRANCH)).toBe(head);
    expect(spawner.pushes()).toBe(1);
    expect(faultPoints.hits).toEqual([
      { point: FaultPoint.GitPushCompleted, context: { runId: "r1", phase: "push" } },
    ]);
  });

  it("sends nothing when the remote already holds HEAD (a push that landed before a crash)", async () => {
    const temp = await committedWork();
    await temp.git(["push", "-q", "origin", `HEAD:refs/heads/${BRANCH}`]);
    const spawner = countingSpawner();
    const { repo } = openRepository(temp.dir, { spawner });
    const result = await repo.push(BRANCH);
    expect(result).toMatchObject({ outcome: "already-on-remote", attempts: 0, rebases: 0 });
    expect(spawner.pushes()).toBe(0);
  });
});

describe("push through a network failure", () => {
  it("retries after the remote refused the connection, on the injected clock, and pushes once it is back", async () => {
    const temp = await committedWork();
    const daemon = await startGitDaemon({ basePath: temp.root });
    cleanups.push(() => daemon.stop());
    await temp.git(["remote", "set-url", "origin", daemon.url("remote.git")]);
    // The network drops just as the first push starts, and comes back during the retry wait.
    const spawner = countingSpawner(async (attempt) => {
      if (attempt === 1) await daemon.stop();
    });
    const retries: RetryInfo[] = [];
    const { repo, clock } = openRepository(temp.dir, { spawner });
    const result = await repo.push(BRANCH, {
      onRetry: async (info) => {
        retries.push(info);
        await daemon.start();
      },
    });
    expect(result).toMatchObject({ outcome: "pushed", attempts: 2, reconciled: false });
    expect(retries.map((info) => [info.attempt, info.error.code, info.error.kind])).toEqual([
      [1, "WFM-NET-REFUSED", ErrorKind.Transient],
    ]);
    expect(clock.elapsed).toBe(retries[0]?.delayMs);
    expect(await remoteTip(temp)).toBe(result.sha);
  });

  it("reconciles a push whose connection broke after the remote applied it, and does not push again", async () => {
    const temp = await committedWork();
    const remote = temp.remoteDir ?? "";
    const log = join(remote, "pushes.log");
    // After the ref update is committed, the receiving side dies once: the client never hears back.
    const hook = join(remote, "hooks", "reference-transaction");
    await writeFile(
      hook,
      `#!/bin/sh\nif [ "$1" = committed ]; then\n  cat >> '${log}'\n  if [ ! -e '${remote}/killed' ]; then touch '${remote}/killed'; kill -9 $PPID; fi\nfi\n`,
    );
    await chmod(hook, 0o755);
    const spawner = countingSpawner();
    const retries: RetryInfo[] = [];
    const { repo } = openRepository(temp.dir, { spawner });
    const head = (await temp.git(["rev-parse", "HEAD"])).trim();
    const result = await repo.push(BRANCH, { onRetry: (info) => void retries.push(info) });
    expect(result).toMatchObject({ outcome: "pushed", sha: head, attempts: 1, reconciled: true });
    expect(retries).toEqual([]);
    expect(spawner.pushes()).toBe(1);
    expect((await readFile(log, "utf8")).trim().split("\n")).toEqual([
      `${"0".repeat(40)} ${head} refs/heads/${BRANCH}`,
    ]);
    expect(await remoteTip(temp)).toBe(head);
  });
});

describe("push refusals", () => {
  it("refuses a detached HEAD with the command that switches back to the run's branch", async () => {
    const temp = await committedWork();
    await detachedHead.apply(temp.dir);
    const { repo } = openRepository(temp.dir);
    const error = await refusalOf(repo.push(BRANCH));
    expect(error.code).toBe("WFM-GIT-DETACHED-HEAD");
    expect(error.command).toBe(`git -C ${temp.dir} switch ${BRANCH}`);
  });

  it("refuses to push from another branch", async () => {
    const temp = await committedWork();
    await temp.git(["switch", "-q", "main"]);
    const { repo } = openRepository(temp.dir);
    const error = await refusalOf(repo.push(BRANCH));
    expect(error.code).toBe("WFM-GIT-WRONG-BRANCH");
    expect(error.message).toBe(`${temp.dir} has main checked out, not the run's branch ${BRANCH}.`);
    expect(error.command).toBe(`git -C ${temp.dir} switch ${BRANCH}`);
  });

  it("does not retry a push the remote refuses by rule", async () => {
    const temp = await committedWork();
    const hook = join(temp.remoteDir ?? "", "hooks", "pre-receive");
    await writeFile(hook, "#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n");
    await chmod(hook, 0o755);
    const spawner = countingSpawner();
    const { repo } = openRepository(temp.dir, { spawner });
    const error = await refusalOf(repo.push(BRANCH));
    expect(error.code).toBe("WFM-GIT-PUSH-REJECTED");
    expect(error.kind).toBe(ErrorKind.Permanent);
    expect(spawner.pushes()).toBe(1);
  });

  it("rejects a branch name git does not accept as a programming error", async () => {
    const temp = await committedWork();
    const { repo } = openRepository(temp.dir);
    await expect(repo.push("wfm/bad..name")).rejects.toThrow(TypeError);
    await expect(repo.push("--upload-pack=evil")).rejects.toThrow(/not starting with '-'/);
  });
});
