import type { GitStore } from "./git-store.js";
import type { RefRecord } from "./model-records.js";
import { gitOrThrow, runGit } from "./run-git.js";

const SHA = /^[0-9a-f]{40}$/;
// Ref names reach git as arguments: refuse anything git could read as an option.
const SAFE_REF = /^refs\/[A-Za-z0-9._/-]+$/;

/**
 * Refs and commits of a real bare repository, read and written through the
 * `git` binary, so shas, ancestry and "No commits between" are true.
 */
export function createBareRepoGitStore(gitDir: string): GitStore {
  const checkRef = (ref: string) => {
    if (!SAFE_REF.test(ref) || ref.includes("..")) {
      throw new TypeError(`Refusing to pass the ref name ${JSON.stringify(ref)} to git.`);
    }
  };
  const listRefs = async (prefix = ""): Promise<RefRecord[]> => {
    const out = await gitOrThrow(gitDir, [
      "for-each-ref",
      "--format=%(refname) %(objectname)",
      "refs/",
    ]);
    return out
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => {
        const [ref = "", sha = ""] = line.split(" ");
        return { ref, sha };
      })
      .filter((record) => record.ref.startsWith(prefix))
      .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  };
  const hasCommit = async (sha: string) => {
    if (!SHA.test(sha)) return false;
    const output = await runGit(gitDir, ["cat-file", "-e", `${sha}^{commit}`]);
    return output.code === 0;
  };
  return {
    listRefs,
    getRef: async (ref) => (await listRefs(ref)).find((record) => record.ref === ref)?.sha,
    hasCommit,
    async isAncestor(ancestor, descendant) {
      if (!SHA.test(ancestor) || !SHA.test(descendant)) return false;
      const output = await runGit(gitDir, ["merge-base", "--is-ancestor", ancestor, descendant]);
      if (output.code === 0) return true;
      if (output.code === 1) return false;
      throw new Error(
        `Failed to run \`git merge-base --is-ancestor\` in ${gitDir}: exit ${output.code}: ${output.stderr.trim()}`,
      );
    },
    async countCommits(base, head) {
      if (!SHA.test(base) || !SHA.test(head)) {
        throw new TypeError(`countCommits needs two shas, got ${base} and ${head}.`);
      }
      const out = await gitOrThrow(gitDir, ["rev-list", "--count", `${base}..${head}`]);
      return Number(out.trim());
    },
    async setRef(ref, sha) {
      checkRef(ref);
      if (!SHA.test(sha)) throw new TypeError(`setRef needs a sha, got ${sha}.`);
      await gitOrThrow(gitDir, ["update-ref", ref, sha]);
    },
    async deleteRef(ref) {
      checkRef(ref);
      await gitOrThrow(gitDir, ["update-ref", "-d", ref]);
    },
    async createCommit({ parents, message }) {
      for (const parent of parents) {
        if (!SHA.test(parent))
          throw new TypeError(`createCommit needs parent shas, got ${parent}.`);
      }
      const tree = (await gitOrThrow(gitDir, ["mktree"], "")).trim();
      const args = [
        "commit-tree",
        tree,
        ...parents.flatMap((parent) => ["-p", parent]),
        "-m",
        message,
      ];
      return (await gitOrThrow(gitDir, args)).trim();
    },
  };
}
