import { dirname, join } from "node:path";
import type { FileSystem } from "../../ports/index.js";
import type { GitPlumbing } from "./git-plumbing.js";
import { nulList } from "./git-plumbing.js";

/** Everything in the working tree but run state: the same pathspec core/git's commitAll stages. */
export const ALL_BUT_RUN_STATE = [":/", ":(exclude,top,glob)**/.workflowmaster/**"] as const;

/** The working tree as git would commit it, compared with a start commit. */
export interface TreeSnapshot {
  /** The tree id `git add --all` then `git write-tree` gives for the working tree. */
  readonly tree: string;
  /** Paths that differ from the start commit (added, changed, deleted), sorted. */
  readonly files: readonly string[];
}

/**
 * Takes the working tree's picture without touching HEAD, the index or a
 * file: a temporary index is filled from `start`, every change but run
 * state is added to it (new files included, ignored files not, exactly as
 * commitAll stages), and its tree id and changed paths are read. The same
 * content always gives the same tree id, so "what implement produced" and
 * "what was committed" can be compared exactly.
 */
export async function snapshotWorkTree(
  git: GitPlumbing,
  fs: FileSystem,
  options: { start: string; indexPath: string; signal?: AbortSignal },
): Promise<TreeSnapshot> {
  const env = { GIT_INDEX_FILE: options.indexPath };
  const run = (args: readonly string[]) =>
    git.run(args, { env, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  // Our own temporary index: a lock left on it by a killed git is ours too
  // (the run lock keeps every other process of this run out).
  await fs.mkdir(dirname(options.indexPath), { recursive: true });
  await fs.rm(`${options.indexPath}.lock`, { force: true });
  try {
    await run(["read-tree", options.start]);
    await run(["add", "--all", "--", ...ALL_BUT_RUN_STATE]);
    const tree = (await run(["write-tree"])).trim();
    const files = nulList(
      await run(["diff", "--cached", "--name-only", "--no-renames", "-z", options.start, "--"]),
    ).sort();
    return { tree, files };
  } finally {
    await fs.rm(options.indexPath, { force: true });
  }
}

/**
 * Puts the working tree back exactly at `start` (tracked files reset,
 * untracked ones removed), leaving ignored files and run state alone. Only
 * ever called after whatever was there has been saved under a ref.
 */
export async function resetWorkTree(
  git: GitPlumbing,
  options: { start: string; signal?: AbortSignal },
): Promise<void> {
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  await git.run(["reset", "--hard", "--quiet", options.start], signal);
  await git.run(["clean", "-d", "--force", "--quiet", "-e", ".workflowmaster/", "--", "."], signal);
}

/** Where a run's temporary index lives: under run state, which git never stages. */
export function temporaryIndexPath(stateDir: string, runId: string, purpose: string): string {
  return join(stateDir, "tmp", `${runId}.${purpose}.index`);
}
