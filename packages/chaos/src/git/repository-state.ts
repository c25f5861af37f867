import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { runGit } from "./run-git.js";

/** What `git fsck` says about a repository. */
export interface FsckReport {
  readonly exitCode: number;
  /** Its distinct output lines (stdout and stderr), sorted: git's walk order is not fixed. */
  readonly problems: readonly string[];
}

/**
 * A repository as bytes, to prove an operation did not damage it further or
 * lose work: fsck's verdict, every file under `.git/objects` and every ref
 * (by content hash), the index's hash, and every working-tree file's exact
 * bytes (`.git` and `.workflowmaster` aside).
 */
export interface RepositoryState {
  readonly fsck: FsckReport;
  /** Path under `.git/objects` → sha256 of its bytes. */
  readonly objects: Readonly<Record<string, string>>;
  /** `HEAD`, `packed-refs` and every file under `refs/` → its content. */
  readonly refs: Readonly<Record<string, string>>;
  /** sha256 of `.git/index`, or null when there is none. */
  readonly index: string | null;
  /** Working-tree path → its bytes (a symlink → `symlink:<target>`). */
  readonly worktree: Readonly<Record<string, Buffer>>;
}

const SKIPPED = new Set([".git", ".workflowmaster"]);

export async function captureRepositoryState(repoDir: string): Promise<RepositoryState> {
  const gitDir = join(repoDir, ".git");
  const [fsck, objects, refs, index, worktree] = await Promise.all([
    fsckReport(repoDir),
    hashTree(join(gitDir, "objects")),
    readRefs(gitDir),
    readOptional(join(gitDir, "index")).then((bytes) =>
      bytes === undefined ? null : sha256(bytes),
    ),
    readWorktree(repoDir),
  ]);
  return { fsck, objects, refs, index, worktree };
}

/**
 * True when `after`'s fsck is no worse than `before`'s: an exit code no
 * higher and no problem line that was not there before.
 */
export function fsckNoWorse(before: FsckReport, after: FsckReport): boolean {
  const known = new Set(before.problems);
  return after.exitCode <= before.exitCode && after.problems.every((line) => known.has(line));
}

async function fsckReport(repoDir: string): Promise<FsckReport> {
  const run = await runGit(["fsck", "--full", "--no-dangling", "--no-progress"], { cwd: repoDir });
  const lines = `${run.stdout}\n${run.stderr}`
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return { exitCode: run.exitCode, problems: [...new Set(lines)].sort() };
}

async function hashTree(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const path of await listFiles(dir)) {
    const bytes = await readFile(path);
    result[toKey(relative(dir, path))] = sha256(bytes);
  }
  return result;
}

async function readRefs(gitDir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const name of ["HEAD", "packed-refs"]) {
    const bytes = await readOptional(join(gitDir, name));
    if (bytes !== undefined) result[name] = bytes.toString("latin1");
  }
  for (const path of await listFiles(join(gitDir, "refs"))) {
    result[toKey(relative(gitDir, path))] = (await readFile(path)).toString("latin1");
  }
  return result;
}

async function readWorktree(repoDir: string): Promise<Record<string, Buffer>> {
  const result: Record<string, Buffer> = {};
  for (const path of await listFiles(repoDir, SKIPPED)) {
    const info = await lstat(path);
    result[toKey(relative(repoDir, path))] = info.isSymbolicLink()
      ? Buffer.from(`symlink:${await readlink(path)}`)
      : await readFile(path);
  }
  return result;
}

/** Every file below `dir` (symlinks included, not followed), sorted; [] when `dir` is missing. */
async function listFiles(dir: string, skip: ReadonlySet<string> = new Set()): Promise<string[]> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else files.push(path);
  }
  return files;
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function toKey(path: string): string {
  return path.split(sep).join("/");
}
