import type { GitPlumbing } from "./git-plumbing.js";

/** An interrupted implement attempt's work, kept as a commit under a ref. */
export interface SavedAttempt {
  /** `refs/workflowmaster/<runId>/implement-attempt-<n>`. */
  readonly ref: string;
  readonly commit: string;
  /** The attempt whose work it is. */
  readonly attempt: number;
  /** Paths it had changed. */
  readonly files: readonly string[];
}

/** Who the bookkeeping commits are by: never the user's identity, never written to config. */
const BOOKKEEPING_IDENTITY = {
  GIT_AUTHOR_NAME: "WorkflowMaster",
  GIT_AUTHOR_EMAIL: "workflowmaster@localhost",
  GIT_COMMITTER_NAME: "WorkflowMaster",
  GIT_COMMITTER_EMAIL: "workflowmaster@localhost",
};

/**
 * The ref namespace of a run. Run ids are already safe as path parts; a
 * component git refuses (a trailing `.` or `.lock`) is adjusted.
 */
export function attemptRefPrefix(runId: string): string {
  const component = runId.replace(/\.lock$/i, "-lock").replace(/\.+$/, "");
  return `refs/workflowmaster/${component}`;
}

/**
 * Keeps `tree` (the working tree as an interrupted attempt left it) as a
 * commit on top of `start`, under `<prefix>/implement-attempt-<n>`. Never
 * overwrites: a ref already holding the same tree is the same save made
 * before a crash (returned as is); one holding another tree gets a
 * `-2`, `-3` … sibling.
 */
export async function saveAttempt(
  git: GitPlumbing,
  options: {
    runId: string;
    attempt: number;
    start: string;
    tree: string;
    files: readonly string[];
    signal?: AbortSignal;
  },
): Promise<SavedAttempt> {
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const base = `${attemptRefPrefix(options.runId)}/implement-attempt-${options.attempt}`;
  for (let suffix = 1; suffix < 1000; suffix += 1) {
    const ref = suffix === 1 ? base : `${base}-${suffix}`;
    const existing = await git.tryRun(
      ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`],
      signal,
    );
    if (existing.ok) {
      const commit = existing.stdout.trim();
      const tree = (await git.run(["rev-parse", `${commit}^{tree}`], signal)).trim();
      if (tree === options.tree) {
        return { ref, commit, attempt: options.attempt, files: options.files };
      }
      continue;
    }
    const message = `WorkflowMaster: work of interrupted implement attempt ${options.attempt} of run ${options.runId}\n\nChanged: ${options.files.join(", ")}\n`;
    const commit = (
      await git.run(["commit-tree", options.tree, "-p", options.start, "-m", message], {
        ...signal,
        env: BOOKKEEPING_IDENTITY,
      })
    ).trim();
    // An empty old value means "must not exist yet": create only, never move a ref.
    await git.run(["update-ref", "-m", "workflowmaster: save attempt", ref, commit, ""], signal);
    return { ref, commit, attempt: options.attempt, files: options.files };
  }
  throw new Error(`${base}: more than 999 saved attempts; refusing to save another.`);
}

/** Every attempt this run saved, oldest first. */
export async function listSavedAttempts(
  git: GitPlumbing,
  runId: string,
  signal?: AbortSignal,
): Promise<{ ref: string; commit: string }[]> {
  const output = await git.run(
    [
      "for-each-ref",
      "--sort=refname",
      "--format=%(refname) %(objectname)",
      `${attemptRefPrefix(runId)}/`,
    ],
    signal === undefined ? {} : { signal },
  );
  return output
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [ref = "", commit = ""] = line.split(" ");
      return { ref, commit };
    });
}
