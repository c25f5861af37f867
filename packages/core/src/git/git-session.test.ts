import { join } from "node:path";
import { createTempRepository, type TempRepository } from "@workflowmaster/chaos";
import { afterEach, describe, expect, it } from "vitest";
import { createVirtualClock } from "../ports/virtual-clock.js";
import { parseGitRepositoryOptions } from "./git-repository-options.js";
import { GitSession } from "./git-session.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempRepository(): Promise<TempRepository> {
  const temp = await createTempRepository({ commits: 2 });
  cleanups.push(() => temp.cleanup());
  return temp;
}

function sessionAt(dir: string): GitSession {
  return new GitSession(parseGitRepositoryOptions({ dir, clock: createVirtualClock(0) }));
}

describe("GitSession.readLayout", () => {
  it("reads where a repository's parts are, and that a full clone is not shallow", async () => {
    const temp = await tempRepository();
    const gitDir = join(temp.dir, ".git");
    expect(await sessionAt(temp.dir).readLayout()).toEqual({
      workTree: temp.dir,
      gitDir,
      commonDir: gitDir,
      objectFormat: "sha1",
      shallow: false,
    });
  });

  it("reads that a clone with cut-short history is shallow, and layout() gives the same answer", async () => {
    const temp = await tempRepository();
    const shallow = join(temp.root, "shallow");
    await temp.git(["clone", "-q", "--depth", "1", `file://${temp.remoteDir}`, shallow], {
      cwd: temp.root,
    });
    const session = sessionAt(shallow);
    const layout = await session.layout();
    expect(layout).toEqual({
      workTree: shallow,
      gitDir: join(shallow, ".git"),
      commonDir: join(shallow, ".git"),
      objectFormat: "sha1",
      shallow: true,
    });
    expect(await session.layout()).toBe(layout);
  });

  it("reads a linked worktree's own git directory, the shared one, and that it shares the clone's whole history", async () => {
    const temp = await tempRepository();
    const linked = join(temp.root, "linked");
    await temp.git(["worktree", "add", "-q", "-b", "side", linked]);
    expect(await sessionAt(linked).readLayout()).toEqual({
      workTree: linked,
      gitDir: join(temp.dir, ".git", "worktrees", "linked"),
      commonDir: join(temp.dir, ".git"),
      objectFormat: "sha1",
      shallow: false,
    });
  });

  it("reads the layout again, not the cached one, after the clone was deepened", async () => {
    const temp = await tempRepository();
    const shallow = join(temp.root, "shallow");
    await temp.git(["clone", "-q", "--depth", "1", `file://${temp.remoteDir}`, shallow], {
      cwd: temp.root,
    });
    const session = sessionAt(shallow);
    expect((await session.readLayout()).shallow).toBe(true);
    await temp.git(["fetch", "-q", "--unshallow", "origin"], { cwd: shallow });
    expect((await session.readLayout()).shallow).toBe(false);
  });
});
