import type { GitSession, HeadAnswer, RepositoryLayout } from "../git-session.js";
import type { PreflightCheck, PreflightFinding } from "../preflight-finding.js";

/** What earlier checks learnt, for later ones. */
export interface CheckState {
  layout?: RepositoryLayout;
  /**
   * HEAD's commit and ref as the repository check's `rev-parse` found them;
   * null when HEAD has no commit (unborn, detached at a missing object, damaged).
   */
  head?: HeadAnswer | null;
  /** The checked-out branch's short name; undefined on a detached HEAD. */
  branch?: string;
  /** The ref HEAD names (`refs/heads/<branch>`), set with `branch`. */
  ref?: string;
  detached?: boolean;
  remoteMissing?: boolean;
}

export interface CheckContext {
  readonly session: GitSession;
  readonly state: CheckState;
  readonly signal: AbortSignal | undefined;
  /** Set by push: HEAD must be on exactly this branch. */
  readonly expectedBranch: string | undefined;
  /** Set by createBranch: a detached HEAD is a fine place to branch from. */
  readonly allowDetached: boolean;
}

/** One preflight check, as a plain value. */
export interface Check {
  readonly name: PreflightCheck;
  /** A refusal here means the repository cannot be read reliably; later checks are skipped. */
  readonly structural: boolean;
  /**
   * Asks about the remote, or asks the remote itself: left out offline, and
   * in preflight run in order among themselves (the second needs the
   * first's answer), beside the local checks.
   */
  readonly remote?: true;
  /**
   * Reads the process table for git processes working in the repository,
   * so no git process of ours may run beside it: preflight starts the
   * checks after it, which run at once, only once it is done.
   */
  readonly alone?: true;
  run(context: CheckContext): Promise<PreflightFinding>;
}

/** The layout the repository check stored; a check that needs it runs after it. */
export function layoutOf(context: CheckContext): RepositoryLayout {
  const layout = context.state.layout;
  if (layout === undefined)
    throw new TypeError("A git check ran before the repository check stored the layout.");
  return layout;
}

/** HEAD as the repository check's `rev-parse` found it; a check that needs it runs after it. */
export function headOf(context: CheckContext): HeadAnswer | null {
  const head = context.state.head;
  if (head === undefined)
    throw new TypeError("A git check ran before the repository check stored HEAD.");
  return head;
}

/** Splits `-z` output into its entries. */
export function nulSeparated(output: string): string[] {
  return output.split("\0").filter((entry) => entry !== "");
}

/** "a, b, c and 4 more": a list that stays readable in one line of guidance. */
export function listFiles(files: readonly string[], max = 10): string {
  const shown = files.slice(0, max).join(", ");
  return files.length > max ? `${shown} and ${files.length - max} more` : shown;
}

/** Whether a repository-relative path is run state, which is never committed or counted. */
export function isRunState(path: string): boolean {
  return (
    path === ".workflowmaster" ||
    path.startsWith(".workflowmaster/") ||
    path.includes("/.workflowmaster/")
  );
}
