import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTempRepository, type TempRepository } from "@workflowmaster/chaos";
import { afterEach, describe, expect, it } from "vitest";
import { nodeFileSystem, nodeProcessSpawner } from "../../ports/index.js";
import { attemptRefPrefix, listSavedAttempts, saveAttempt } from "./attempt-refs.js";
import { createGitPlumbing } from "./git-plumbing.js";
import { resetWorkTree, snapshotWorkTree, temporaryIndexPath } from "./work-tree.js";

const repos: TempRepository[] = [];
afterEach(async () => {
  for (const repo of repos.splice(0)) await repo.cleanup();
});

async function setup() {
  const temp = await createTempRepository({ bareRemote: false, prefix: "wfm-tree-" });
  repos.push(temp);
  await temp.write(".gitignore", "*.log\n");
  await temp.git(["add", ".gitignore"]);
  await temp.git(["commit", "--quiet", "-m", "Ignore logs"]);
  const git = createGitPlumbing(nodeProcessSpawner, temp.dir);
  const start = (await temp.git(["rev-parse", "HEAD"])).trim();
  const indexPath = temporaryIndexPath(join(temp.dir, ".workflowmaster"), "r1", "test");
  const snapshot = () => snapshotWorkTree(git, nodeFileSystem, { start, indexPath });
  return { temp, git, start, snapshot };
}

describe("snapshotWorkTree", () => {
  it("gives the start commit's tree for a clean tree, and ignores run state", async () => {
    const { temp, start, snapshot } = await setup();
    await temp.write(".workflowmaster/runs/r1/journal.ndjson", "{}\n");
    const clean = await snapshot();
    expect(clean).toEqual({
      tree: (await temp.git(["rev-parse", `${start}^{tree}`])).trim(),
      files: [],
    });
    expect(await temp.git(["status", "--porcelain", "--untracked-files=all"])).toBe(
      "?? .workflowmaster/runs/r1/journal.ndjson\n",
    );
  });

  it("gives the tree git commits for the same changes, touching neither HEAD nor the index", async () => {
    const { temp, snapshot } = await setup();
    await temp.write("src/greeting.txt", "changed\n");
    await temp.write("new/file.txt", "new\n");
    await temp.git(["rm", "--quiet", "README.md"]);
    const before = await temp.git(["status", "--porcelain"]);
    const taken = await snapshot();
    expect(taken.files).toEqual(["README.md", "new/file.txt", "src/greeting.txt"]);
    expect(await temp.git(["status", "--porcelain"])).toBe(before);
    await temp.git(["add", "--all"]);
    expect((await temp.git(["write-tree"])).trim()).toBe(taken.tree);
  });
});

describe("saveAttempt and resetWorkTree", () => {
  it("keep an interrupted attempt's work under a ref, then put the tree back exactly at the start", async () => {
    const { temp, git, start, snapshot } = await setup();
    await temp.write("src/greeting.txt", "half-done\n");
    await temp.write("partial.txt", "partial\n");
    await writeFile(join(temp.dir, "ignored.log"), "kept\n");
    const dirty = await snapshot();
    const saved = await saveAttempt(git, { runId: "r1", attempt: 1, start, ...dirty });
    expect(saved.ref).toBe("refs/workflowmaster/r1/implement-attempt-1");
    expect(await temp.git(["show", `${saved.ref}:partial.txt`])).toBe("partial\n");
    expect(await temp.git(["show", `${saved.ref}:src/greeting.txt`])).toBe("half-done\n");
    expect((await temp.git(["rev-parse", `${saved.ref}^`])).trim()).toBe(start);

    await resetWorkTree(git, { start });
    expect(await snapshot()).toEqual({
      tree: (await temp.git(["rev-parse", `${start}^{tree}`])).trim(),
      files: [],
    });
    // Ignored files are not the attempt's work and are left alone.
    expect(await temp.git(["status", "--porcelain", "--ignored"])).toBe("!! ignored.log\n");
  });

  it("never overwrites: the same work is the same save, other work gets a sibling ref", async () => {
    const { temp, git, start, snapshot } = await setup();
    await temp.write("a.txt", "one\n");
    const first = await saveAttempt(git, { runId: "r1", attempt: 1, start, ...(await snapshot()) });
    const again = await saveAttempt(git, { runId: "r1", attempt: 1, start, ...(await snapshot()) });
    expect(again).toEqual(first);
    await temp.write("a.txt", "two\n");
    const other = await saveAttempt(git, { runId: "r1", attempt: 1, start, ...(await snapshot()) });
    expect(other.ref).toBe("refs/workflowmaster/r1/implement-attempt-1-2");
    expect((await listSavedAttempts(git, "r1")).map((entry) => entry.ref)).toEqual([
      "refs/workflowmaster/r1/implement-attempt-1",
      "refs/workflowmaster/r1/implement-attempt-1-2",
    ]);
  });

  it("makes a ref namespace git accepts from any valid run id", () => {
    expect(attemptRefPrefix("run.lock")).toBe("refs/workflowmaster/run-lock");
    expect(attemptRefPrefix("run...")).toBe("refs/workflowmaster/run");
  });
});
