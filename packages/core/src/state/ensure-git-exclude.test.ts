import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nodeFileSystem } from "../ports/file-system.js";
import { seededRandom } from "../ports/random.js";
import { ensureGitExclude } from "./ensure-git-exclude.js";
import { makeTempDir } from "./fixtures/store-test-kit.js";

const run = promisify(execFile);
let repo: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: repo, cleanup } = await makeTempDir("wfm-exclude-"));
  await run("git", ["init", "-q", "-b", "main", repo]);
});
afterEach(() => cleanup());

const git = (cwd: string, ...args: string[]) => run("git", args, { cwd });
const exclude = () => readFile(join(repo, ".git", "info", "exclude"), "utf8");

async function ignored(cwd: string, path: string): Promise<boolean> {
  return git(cwd, "check-ignore", "-q", path).then(
    () => true,
    (error: { code?: number }) => {
      if (error.code === 1) return false;
      throw error;
    },
  );
}

describe("ensureGitExclude", () => {
  it("adds .workflowmaster/ once, so git ignores run state", async () => {
    const before = await exclude();
    expect(await ignored(repo, ".workflowmaster/runs/r1/journal.ndjson")).toBe(false);
    expect(await ensureGitExclude(nodeFileSystem, repo, { random: seededRandom(1) })).toBe(true);
    expect(await exclude()).toBe(`${before}.workflowmaster/\n`);
    expect(await ignored(repo, ".workflowmaster/runs/r1/journal.ndjson")).toBe(true);
    expect(await ensureGitExclude(nodeFileSystem, repo)).toBe(false);
    expect(await exclude()).toBe(`${before}.workflowmaster/\n`);
    await mkdir(join(repo, ".workflowmaster"));
    await writeFile(join(repo, ".workflowmaster", "x"), "state");
    expect((await git(repo, "status", "--porcelain")).stdout).toBe("");
  });

  it("adds a newline before its line when the file lacks one, and creates info/ when missing", async () => {
    await writeFile(join(repo, ".git", "info", "exclude"), "*.log");
    expect(await ensureGitExclude(nodeFileSystem, repo)).toBe(true);
    expect(await exclude()).toBe("*.log\n.workflowmaster/\n");
    await rm(join(repo, ".git", "info"), { recursive: true });
    expect(await ensureGitExclude(nodeFileSystem, repo)).toBe(true);
    expect(await exclude()).toBe(".workflowmaster/\n");
  });

  it("counts an equivalent existing line as already excluded", async () => {
    await writeFile(join(repo, ".git", "info", "exclude"), "# mine\n/.workflowmaster\n");
    expect(await ensureGitExclude(nodeFileSystem, repo)).toBe(false);
    expect(await exclude()).toBe("# mine\n/.workflowmaster\n");
  });

  it("follows a worktree's .git file to the common git directory", async () => {
    await git(
      repo,
      "-c",
      "user.name=t",
      "-c",
      "user.email=t@example.com",
      "commit",
      "-q",
      "--allow-empty",
      "-m",
      "init",
    );
    const worktree = join(repo, "..", `${repo.split("/").pop()}-wt`);
    await git(repo, "worktree", "add", "-q", worktree, "-b", "side");
    try {
      expect(await ensureGitExclude(nodeFileSystem, worktree)).toBe(true);
      expect((await exclude()).endsWith(".workflowmaster/\n")).toBe(true);
      expect(await ignored(worktree, ".workflowmaster/runs/r1/lock.json")).toBe(true);
    } finally {
      await rm(worktree, { recursive: true, force: true });
    }
  });
});
