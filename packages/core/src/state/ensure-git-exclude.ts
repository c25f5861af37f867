import { dirname, isAbsolute, join, resolve } from "node:path";
import type { FileSystem } from "../ports/file-system.js";
import type { Random } from "../ports/random.js";
import { systemRandom } from "../ports/random.js";
import { writeFileAtomic } from "./atomic-write.js";
import { ensureDirectory } from "./ensure-directory.js";
import { hasErrno } from "./has-errno.js";

/** The line `ensureGitExclude` adds. */
export const STATE_EXCLUDE_LINE = ".workflowmaster/";

const ALREADY = new Set([
  ".workflowmaster",
  ".workflowmaster/",
  "/.workflowmaster",
  "/.workflowmaster/",
]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Adds `.workflowmaster/` to the repository's `info/exclude`, so run state
 * is never committed, without touching the tracked `.gitignore`. Idempotent:
 * returns false when an equivalent line is already there. The file is
 * replaced atomically, so a crash leaves the old or the new exclude file.
 * Follows a `.git` file (worktrees, submodules) to the git directory, and a
 * worktree's `commondir` to where git reads `info/exclude` from.
 */
export async function ensureGitExclude(
  fs: FileSystem,
  repoDir: string,
  options: { random?: Random } = {},
): Promise<boolean> {
  const gitDir = await commonGitDir(fs, repoDir);
  const path = join(gitDir, "info", "exclude");
  let current = "";
  try {
    current = decoder.decode(await fs.readFile(path));
  } catch (error) {
    if (!hasErrno(error, "ENOENT")) throw error;
  }
  if (current.split(/\r?\n/).some((line) => ALREADY.has(line.trim()))) return false;
  const separator = current === "" || current.endsWith("\n") ? "" : "\n";
  await ensureDirectory(fs, dirname(path));
  await writeFileAtomic({
    fs,
    random: options.random ?? systemRandom,
    path,
    data: encoder.encode(`${current}${separator}${STATE_EXCLUDE_LINE}\n`),
  });
  return true;
}

async function commonGitDir(fs: FileSystem, repoDir: string): Promise<string> {
  const dotGit = join(repoDir, ".git");
  const stat = await fs.stat(dotGit);
  if (stat.isDirectory()) return dotGit;
  const text = decoder.decode(await fs.readFile(dotGit));
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!match?.[1]) {
    throw new Error(
      `${dotGit} is a file but does not say "gitdir: <path>"; cannot find the git directory`,
    );
  }
  const gitDir = isAbsolute(match[1]) ? match[1] : resolve(repoDir, match[1]);
  try {
    const common = decoder.decode(await fs.readFile(join(gitDir, "commondir"))).trim();
    return isAbsolute(common) ? common : resolve(gitDir, common);
  } catch (error) {
    if (hasErrno(error, "ENOENT")) return gitDir;
    throw error;
  }
}
