import type { WorkflowMasterError } from "../errors/workflow-master-error.js";

/** Every check preflight runs, in the order it runs them. */
export const PreflightCheck = {
  /** git sees a repository at the directory (and HEAD is readable). */
  Repository: "repository",
  /** Every loose object decompresses and hashes to its name. */
  Objects: "objects",
  /** HEAD is on a branch whose commit exists. */
  Head: "head",
  /** No merge, rebase, am, cherry-pick or revert is half done. */
  Operation: "operation",
  /** No index.lock; a stale one is removed, a live one refused. */
  IndexLock: "index-lock",
  /** The index can be read. */
  Index: "index",
  /** Every ref points to an existing object. */
  Refs: "refs",
  /** New objects can be written. */
  ObjectsWritable: "objects-writable",
  /** No uncommitted changes to tracked files (outside .workflowmaster/). */
  CleanTree: "clean-tree",
  /** The remote is configured. */
  Remote: "remote",
  /** The remote answers `git ls-remote`. */
  RemoteReachable: "remote-reachable",
  /** The branch has not diverged from its upstream. */
  Upstream: "upstream",
  /** The clone has its whole history. */
  Shallow: "shallow",
} as const;
export type PreflightCheck = (typeof PreflightCheck)[keyof typeof PreflightCheck];

/**
 * One check's outcome: `ok`; `repaired` (the check fixed it by itself and
 * says what it did, e.g. a stale index.lock removed); `refused` with a
 * catalogued error (code, guidance, the exact command); or `skipped` because
 * an earlier refusal makes the check meaningless.
 */
export type PreflightFinding =
  | { readonly check: PreflightCheck; readonly status: "ok"; readonly detail: string }
  | { readonly check: PreflightCheck; readonly status: "repaired"; readonly detail: string }
  | {
      readonly check: PreflightCheck;
      readonly status: "refused";
      readonly error: WorkflowMasterError;
      /** The repository cannot be read reliably until this is fixed: later checks are skipped. */
      readonly blocking: boolean;
    }
  | { readonly check: PreflightCheck; readonly status: "skipped"; readonly detail: string };

export type PreflightRefusal = Extract<PreflightFinding, { status: "refused" }>;

/** The refused findings, in order. */
export function preflightRefusals(findings: readonly PreflightFinding[]): PreflightRefusal[] {
  return findings.filter((finding): finding is PreflightRefusal => finding.status === "refused");
}

export const ok = (check: PreflightCheck, detail: string): PreflightFinding => ({
  check,
  status: "ok",
  detail,
});

export const repaired = (check: PreflightCheck, detail: string): PreflightFinding => ({
  check,
  status: "repaired",
  detail,
});

export const refused = (
  check: PreflightCheck,
  error: WorkflowMasterError,
  blocking = false,
): PreflightFinding => ({ check, status: "refused", error, blocking });
