import { join } from "node:path";
import type { FileSystem } from "../ports/file-system.js";
import type { GitSession } from "./git-session.js";
import { readOptional } from "./read-optional.js";

const decoder = new TextDecoder();
const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const NULL_ID = /^0+$/;

/** How far back the reflog is searched for a commit that still exists. */
const REFLOG_DEPTH = 50;

/**
 * The newest commit `ref` pointed to, per its reflog, that still exists and
 * is not `broken`: where the ref should go back to. Undefined when the
 * reflog is missing or names no surviving commit.
 */
export async function lastGoodFromReflog(
  session: GitSession,
  commonDir: string,
  ref: string,
  broken: string,
): Promise<string | undefined> {
  const log = await readOptional(session.fs, join(commonDir, "logs", ref));
  if (log === undefined) return undefined;
  const lines = decoder.decode(log).split("\n").filter(Boolean).reverse().slice(0, REFLOG_DEPTH);
  for (const line of lines) {
    const [previous = "", next = ""] = line.split(" ");
    for (const candidate of [next, previous]) {
      if (!OBJECT_ID.test(candidate) || NULL_ID.test(candidate) || candidate === broken) continue;
      const exists = await session.tryRaw(["cat-file", "-e", `${candidate}^{commit}`]);
      if (exists.ok) return candidate;
    }
  }
  return undefined;
}

/**
 * With HEAD unreadable, the branch that was most likely checked out: the
 * last one HEAD's reflog says it moved to, else the one whose tip is the
 * newest commit in that reflog, else `main`, `master` or the first branch
 * there is, else "main".
 */
export async function guessCheckedOutBranch(fs: FileSystem, gitDir: string): Promise<string> {
  const branches = await localBranchTips(fs, gitDir);
  const log = await readOptional(fs, join(gitDir, "logs", "HEAD"));
  const lines = log === undefined ? [] : decoder.decode(log).trim().split("\n");
  // "checkout: moving from A to B" names the branch HEAD went to last.
  for (const line of [...lines].reverse()) {
    const moved = /\tcheckout: moving from \S+ to (\S+)$/.exec(line)?.[1];
    if (moved === undefined) continue;
    if (branches.has(moved)) return moved;
    break;
  }
  const newest = lines.at(-1)?.split(" ")[1];
  const byTip = [...branches].find(([, tip]) => tip === newest)?.[0];
  if (byTip !== undefined) return byTip;
  for (const name of ["main", "master"]) if (branches.has(name)) return name;
  return [...branches.keys()].sort()[0] ?? "main";
}

/** Local branch name → tip, from loose refs and packed-refs (no git: HEAD may be broken). */
async function localBranchTips(fs: FileSystem, gitDir: string): Promise<Map<string, string>> {
  const tips = new Map<string, string>();
  const packed = await readOptional(fs, join(gitDir, "packed-refs"));
  for (const line of packed === undefined ? [] : decoder.decode(packed).split("\n")) {
    const match = /^([0-9a-f]{40,64}) refs\/heads\/(.+)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) tips.set(match[2], match[1]);
  }
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (error) {
      // No refs/heads at all (a fresh repository): there is nothing to walk.
      if ((error as { code?: unknown }).code === "ENOENT") return;
      throw error;
    }
    for (const name of names) {
      const path = join(dir, name);
      const stat = await fs.stat(path);
      if (stat.isDirectory()) await walk(path, `${prefix}${name}/`);
      else {
        const content = decoder.decode(await fs.readFile(path)).trim();
        if (OBJECT_ID.test(content)) tips.set(`${prefix}${name}`, content);
      }
    }
  };
  await walk(join(gitDir, "refs", "heads"), "");
  return tips;
}
