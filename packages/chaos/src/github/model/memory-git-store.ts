import { createHash } from "node:crypto";
import type { GitStore } from "./git-store.js";
import type { CommitRecord, RefRecord } from "./model-records.js";

/**
 * Refs and commits kept in the model's own arrays (so they serialise with
 * it). Shas are SHA-1 over the repository, parents, message and a counter:
 * the same calls give the same shas.
 */
export function createMemoryGitStore(
  repo: string,
  refs: RefRecord[],
  commits: CommitRecord[],
): GitStore {
  const commit = (sha: string) => commits.find((candidate) => candidate.sha === sha);
  const ancestors = (sha: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(commit(next)?.parents ?? []));
    }
    return seen;
  };
  return {
    listRefs: async (prefix = "") =>
      refs
        .filter((record) => record.ref.startsWith(prefix))
        .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))
        .map((record) => ({ ...record })),
    getRef: async (ref) => refs.find((record) => record.ref === ref)?.sha,
    hasCommit: async (sha) => commit(sha) !== undefined,
    isAncestor: async (ancestor, descendant) => ancestors(descendant).has(ancestor),
    countCommits: async (base, head) => {
      const reachableFromBase = ancestors(base);
      return [...ancestors(head)].filter((sha) => !reachableFromBase.has(sha)).length;
    },
    setRef: async (ref, sha) => {
      const index = refs.findIndex((record) => record.ref === ref);
      if (index >= 0) refs.splice(index, 1, { ref, sha });
      else refs.push({ ref, sha });
    },
    deleteRef: async (ref) => {
      const index = refs.findIndex((record) => record.ref === ref);
      if (index >= 0) refs.splice(index, 1);
    },
    createCommit: async ({ parents, message }) => addMemoryCommit(repo, commits, parents, message),
  };
}

/** Adds a commit to an in-memory repository, synchronously; returns its sha. */
export function addMemoryCommit(
  repo: string,
  commits: CommitRecord[],
  parents: readonly string[],
  message: string,
): string {
  const sha = createHash("sha1")
    .update(`${repo}\n${parents.join(" ")}\n${message}\n${commits.length}`)
    .digest("hex");
  commits.push({ sha, parents: [...parents], message });
  return sha;
}
