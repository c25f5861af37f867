import type { RefRecord } from "./model-records.js";

/**
 * Where a repository's refs and commits live: in the model's memory, or in a
 * real bare repository through the `git` binary. Ref names are full
 * (`refs/heads/main`); shas are 40 hex digits.
 */
export interface GitStore {
  /** Refs whose full name starts with `prefix` (all when omitted), sorted by name. */
  listRefs(prefix?: string): Promise<RefRecord[]>;
  /** The sha a ref points at, or undefined when there is no such ref. */
  getRef(ref: string): Promise<string | undefined>;
  /** Whether `sha` names a commit in this repository. */
  hasCommit(sha: string): Promise<boolean>;
  /** Whether `ancestor` is `descendant` or one of its ancestors. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** How many commits `head` has that `base` does not (`git rev-list --count base..head`). */
  countCommits(base: string, head: string): Promise<number>;
  /** Points `ref` at `sha`, creating it when missing. */
  setRef(ref: string, sha: string): Promise<void>;
  deleteRef(ref: string): Promise<void>;
  /** A new commit with these parents (the tree is empty); returns its sha. */
  createCommit(options: { parents: readonly string[]; message: string }): Promise<string>;
}
