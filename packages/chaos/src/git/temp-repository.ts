import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";
import { parseOptions } from "../options/parse-options.js";
import { git as runGitCommand } from "./run-git.js";

export interface TempRepositoryOptions {
  /** Creates `remote.git` (bare) beside the clone, as its `origin`, with `main` pushed. Default true. */
  bareRemote?: boolean;
  /** Commits on `main`, at least 1 (the initial one). Default 1. */
  commits?: number;
  /** The temp directory's name prefix. Default `wfm-git-`. */
  prefix?: string;
}

export interface TempRepository {
  /** The temporary directory holding everything below. */
  readonly root: string;
  /** The working tree, on `main`. */
  readonly dir: string;
  /** The bare remote, when there is one. */
  readonly remoteDir: string | undefined;
  /** Runs git in `dir` (or `cwd`) and returns its output; a failure throws with git's words. */
  git(
    args: readonly string[],
    options?: { cwd?: string; env?: Record<string, string> },
  ): Promise<string>;
  /** Writes a file under `dir`, creating its directories. */
  write(path: string, content: string | Uint8Array): Promise<void>;
  /** Removes `root`. */
  cleanup(): Promise<void>;
}

const optionsSchema = z.strictObject({
  bareRemote: z.boolean().default(true),
  commits: z.int().min(1).max(1000).default(1),
  prefix: z
    .string()
    .regex(/^[\w.-]+$/, "must be letters, digits, '.', '_' or '-'")
    .default("wfm-git-"),
});

/** The file the initial commit creates; five lines, so changes to it can conflict. */
export const GREETING_FILE = "src/greeting.txt";
export const GREETING_LINES = [
  "Hello,",
  "this is a small file",
  "with five lines",
  "to change",
  "and to conflict over.",
];

/** Fixed dates make every commit id the same from run to run. */
const EPOCH_SECONDS = 1_767_225_600; // 2026-01-01T00:00:00Z

/**
 * A real repository to break: `git init -b main` in a temp directory, an
 * initial commit (README.md and src/greeting.txt) plus `commits - 1` more
 * (each appends to CHANGELOG.md), and by default a bare `origin` with `main`
 * pushed and tracked. Identity and dates come from the environment of each
 * command, never from config, so commit ids are reproducible and the
 * repository's config holds nothing but what `git init` and `remote add`
 * wrote.
 */
export async function createTempRepository(
  options: TempRepositoryOptions = {},
): Promise<TempRepository> {
  const parsed = parseOptions(optionsSchema, options, "temp repository options");
  const root = await mkdtemp(join(tmpdir(), parsed.prefix));
  const dir = join(root, "work");
  const remoteDir = parsed.bareRemote ? join(root, "remote.git") : undefined;
  const git = (
    args: readonly string[],
    runOptions: { cwd?: string; env?: Record<string, string> } = {},
  ) =>
    runGitCommand(args, {
      cwd: runOptions.cwd ?? dir,
      ...(runOptions.env ? { env: runOptions.env } : {}),
    });
  const write = async (path: string, content: string | Uint8Array) => {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  };
  try {
    await mkdir(dir);
    await git(["init", "--quiet", "-b", "main"]);
    for (let index = 0; index < parsed.commits; index += 1) {
      if (index === 0) {
        await write("README.md", "# A temporary repository\n");
        await write(GREETING_FILE, `${GREETING_LINES.join("\n")}\n`);
      } else {
        const lines = Array.from({ length: index }, (_, n) => `- change ${n + 1}`);
        await write("CHANGELOG.md", `${lines.join("\n")}\n`);
      }
      const date = `@${EPOCH_SECONDS + index * 60} +0000`;
      await git(["add", "--all"]);
      await git(["commit", "--quiet", "-m", index === 0 ? "Initial commit" : `Change ${index}`], {
        env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
    }
    if (remoteDir !== undefined) {
      await git(["init", "--quiet", "--bare", "-b", "main", remoteDir], { cwd: root });
      await git(["remote", "add", "origin", remoteDir]);
      await git(["push", "--quiet", "--set-upstream", "origin", "main"]);
    }
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return {
    root,
    dir,
    remoteDir,
    git,
    write,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
