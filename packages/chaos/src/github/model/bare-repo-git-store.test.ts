import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBareRepoGitStore } from "./bare-repo-git-store.js";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      LC_ALL: "C",
      GIT_AUTHOR_NAME: "Test",
      GIT_AUTHOR_EMAIL: "test@example.invalid",
      GIT_COMMITTER_NAME: "Test",
      GIT_COMMITTER_EMAIL: "test@example.invalid",
    },
  }).trim();

let dir: string;
let bare: string;
let mainSha: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-bare-store-"));
  bare = join(dir, "remote.git");
  const work = join(dir, "work");
  git(dir, "init", "--bare", "-b", "main", bare);
  git(dir, "init", "-b", "main", work);
  git(work, "commit", "--allow-empty", "-m", "initial");
  git(work, "push", bare, "main");
  mainSha = git(work, "rev-parse", "HEAD");
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a store over a real bare repository", () => {
  it("reads the refs git has", async () => {
    const store = createBareRepoGitStore(bare);
    expect(await store.listRefs()).toEqual([{ ref: "refs/heads/main", sha: mainSha }]);
    expect(await store.getRef("refs/heads/main")).toBe(mainSha);
    expect(await store.getRef("refs/heads/missing")).toBe(undefined);
    expect(await store.hasCommit(mainSha)).toBe(true);
    expect(await store.hasCommit("0".repeat(40))).toBe(false);
    expect(await store.hasCommit("--not-a-sha")).toBe(false);
  });

  it("writes commits and refs that git itself then sees", async () => {
    const store = createBareRepoGitStore(bare);
    const child = await store.createCommit({ parents: [mainSha], message: "feature work" });
    await store.setRef("refs/heads/feature", child);
    expect(git(bare, "rev-parse", "refs/heads/feature")).toBe(child);
    expect(git(bare, "log", "--format=%s", "-1", child)).toBe("feature work");
    expect(await store.isAncestor(mainSha, child)).toBe(true);
    expect(await store.isAncestor(child, mainSha)).toBe(false);
    expect(await store.countCommits(mainSha, child)).toBe(1);
    expect(await store.countCommits(child, mainSha)).toBe(0);
    expect((await store.listRefs("refs/heads/f")).map((ref) => ref.ref)).toEqual([
      "refs/heads/feature",
    ]);
    await store.deleteRef("refs/heads/feature");
    expect(git(bare, "for-each-ref", "--format=%(refname)")).toBe("refs/heads/main");
  });

  it("refuses ref names git could read as options", async () => {
    const store = createBareRepoGitStore(bare);
    await expect(store.setRef("--upload-pack=x", mainSha)).rejects.toThrow(
      'Refusing to pass the ref name "--upload-pack=x" to git.',
    );
  });
});
