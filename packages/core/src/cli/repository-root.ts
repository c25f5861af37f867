import { dirname, join, resolve } from "node:path";
import { shellQuote } from "../errors/classifiers/inspect.js";
import { wfmError } from "../errors/index.js";
import type { FileSystem } from "../ports/index.js";
import { invalidInput } from "./cli-error.js";

/**
 * The top of the working tree that holds `start`: the nearest directory
 * with a `.git` entry (a directory, or a file for worktrees). Found without
 * running git, so a repository whose HEAD git cannot read (a damaged one)
 * still has its run state found; preflight reports the damage itself.
 */
export async function findRepositoryRoot(
  fs: FileSystem,
  start: string,
  subcommand: string,
): Promise<string> {
  const from = resolve(start);
  const stat = await fs.stat(from).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw error;
  });
  if (stat === undefined) {
    throw invalidInput(subcommand, "--cwd", `${JSON.stringify(from)} does not exist`);
  }
  if (!stat.isDirectory()) {
    throw invalidInput(subcommand, "--cwd", `${JSON.stringify(from)} is not a directory`);
  }
  let dir = from;
  for (;;) {
    try {
      await fs.stat(join(dir, ".git"));
      return dir;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw wfmError("WFM-GIT-NOT-A-REPOSITORY", {
    message: `${from} is not inside a git repository.`,
    context: { cwd: shellQuote(from) },
  });
}
