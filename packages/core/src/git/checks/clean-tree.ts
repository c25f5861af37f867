import type { GitSession } from "../git-session.js";
import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import { type Check, isRunState, listFiles, nulSeparated } from "./check.js";

const NAME = PreflightCheck.CleanTree;

/**
 * Tracked files changed in the working tree or the index, run state aside,
 * from `git status --porcelain -z` (a rename or copy names its source in the
 * entry after it).
 */
export async function trackedChanges(session: GitSession): Promise<string[]> {
  const entries = nulSeparated(
    await session.read([
      "status",
      "--porcelain=v1",
      "-z",
      "--untracked-files=no",
      "--ignore-submodules=none",
    ]),
  );
  const files: string[] = [];
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index] ?? "";
    const path = entry.slice(3);
    if (/^[RC]/.test(entry)) index += 1;
    if (!isRunState(path)) files.push(path);
  }
  return files;
}

/**
 * No uncommitted changes to tracked files. A run starts from a clean tree
 * so its commit holds its own work and nothing else; untracked files are not
 * counted (the brief's rule: tracked changes).
 */
export const cleanTreeCheck: Check = {
  name: NAME,
  structural: false,
  async run({ session }) {
    const files = await trackedChanges(session);
    if (files.length === 0) return ok(NAME, "no uncommitted changes to tracked files");
    return refused(
      NAME,
      session.error("WFM-GIT-DIRTY-TREE", {
        message: `${session.dir} has uncommitted changes to ${files.length} tracked file${files.length === 1 ? "" : "s"}: ${listFiles(files)}.`,
        context: { files: listFiles(files) },
      }),
    );
  },
};
