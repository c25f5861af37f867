import { shellQuote } from "../../errors/classifiers/inspect.js";
import type { ErrorContext, WorkflowMasterError } from "../../errors/index.js";
import { wfmError } from "../../errors/index.js";
import type { GitRepository } from "../../git/index.js";
import type { GithubClient, RepoRef } from "../../github/index.js";
import type { Clock, FileSystem, ProcessSpawner } from "../../ports/index.js";
import type { GitPlumbing } from "./git-plumbing.js";
import type { ImplementRunner } from "./implement-runner.js";
import type { ProcessGroups } from "./process-groups.js";

/** What every phase of the development workflow shares, resolved once from the options. */
export interface DevRuntime {
  readonly git: GitRepository;
  readonly github: GithubClient;
  readonly plumbing: GitPlumbing;
  readonly fs: FileSystem;
  readonly clock: Clock;
  readonly spawner: ProcessSpawner;
  readonly groups: ProcessGroups;
  readonly repo: RepoRef;
  /** `owner/name`. */
  readonly slug: string;
  readonly base: string;
  readonly remote: string;
  readonly branchPrefix: string;
  /** `<repo>/.workflowmaster`. */
  readonly stateDir: string;
  readonly implement: {
    readonly command: string;
    readonly inactivityMs: number;
    readonly timeoutMs: number;
    readonly killGraceMs: number;
    readonly env: Readonly<Record<string, string>>;
    readonly onOutput: ((chunk: string, stream: "stdout" | "stderr") => void) | undefined;
  };
  /** One runner per run, so an aborted attempt's child is awaited by the next. */
  runner(runId: string): ImplementRunner;
}

/** Values that end up in the catalogue's shell commands, quoted where they need it. */
const SHELL_VALUES = new Set(["cwd", "branch", "remote", "base", "path", "ref", "tree", "sha"]);

/** An error context whose shell-bound values are quoted, so every `command` can be pasted. */
export function commandContext(values: Record<string, string | number | undefined>): ErrorContext {
  const context: Record<string, string | number | undefined> = {};
  for (const [name, value] of Object.entries(values)) {
    context[name] = typeof value === "string" && SHELL_VALUES.has(name) ? shellQuote(value) : value;
  }
  return context;
}

/**
 * The structural checks of core/git's preflight (readable repository,
 * intact objects, HEAD on a branch, no operation half done, no live or
 * stale index.lock — a stale one is removed —, readable index, sound refs,
 * writable objects), run before a phase touches the tree or the branch:
 * damage is reported with its own code, guidance and command instead of
 * surfacing as a confusing failure of whatever ran first. The tree's own
 * changes (the run's work) and the remote are not judged here.
 */
const STRUCTURAL_CHECKS: ReadonlySet<string> = new Set([
  "repository",
  "objects",
  "head",
  "operation",
  "index-lock",
  "index",
  "refs",
  "objects-writable",
]);

export async function guardRepository(rt: DevRuntime, signal: AbortSignal): Promise<string[]> {
  const findings = await rt.git.preflight({ offline: true, signal });
  const refusals = findings.filter(
    (finding): finding is Extract<typeof finding, { status: "refused" }> =>
      finding.status === "refused" && STRUCTURAL_CHECKS.has(finding.check),
  );
  const first = refusals.find((refusal) => refusal.blocking) ?? refusals[0];
  if (first !== undefined) throw first.error;
  return findings.flatMap((finding) =>
    finding.status === "repaired" ? [`${finding.check}: ${finding.detail}`] : [],
  );
}

/** HEAD must be on the run's branch, at the commit the run expects. */
export async function expectBranchAt(
  rt: DevRuntime,
  options: { runId: string; branch: string; sha: string; why: string; signal?: AbortSignal },
): Promise<void> {
  const current = await rt.git.currentBranch();
  if (current !== options.branch) {
    throw wfmError("WFM-GIT-WRONG-BRANCH", {
      message: `${rt.git.dir} has ${current === undefined ? "a detached HEAD" : current} checked out, not the run's branch ${options.branch}; ${options.why}.`,
      context: commandContext({
        runId: options.runId,
        cwd: rt.git.dir,
        branch: options.branch,
        detail: current ?? "a detached HEAD",
      }),
    });
  }
  const head = await rt.git.headSha();
  if (head !== options.sha) throw headMoved(rt, { ...options, head });
}

export function headMoved(
  rt: DevRuntime,
  options: { runId: string; branch: string; sha: string; head: string; why: string },
): WorkflowMasterError {
  return wfmError("WFM-DEV-HEAD-MOVED", {
    message: `Branch ${options.branch} in ${rt.git.dir} is at ${options.head}, not at ${options.sha} where the run left it; ${options.why}.`,
    context: commandContext({
      runId: options.runId,
      cwd: rt.git.dir,
      branch: options.branch,
      sha: options.sha,
      head: options.head,
    }),
  });
}
