import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { runGit } from "@workflowmaster/chaos";
import type { GitRepository, Phase, Workflow } from "@workflowmaster/core";
import { defineWorkflow, err, ok, wfmError } from "@workflowmaster/core";

/** The phases, in order; a corruption or network fault is aimed at one of them. */
export const GIT_PHASES = ["preflight", "branch", "implement", "commit", "push"] as const;
export type GitPhase = (typeof GIT_PHASES)[number];

export interface GitWorkflowInput {
  title: string;
}

/** The change the run makes: one new file, its bytes derived from the seed. */
export interface GitChange {
  readonly branch: string;
  readonly path: string;
  readonly content: string;
}

export interface GitWorkflowOptions {
  repo: GitRepository;
  change: GitChange;
  /** Called at the start of each phase's first attempt (where a fault is injected). */
  beforePhase: (phase: GitPhase) => Promise<void>;
  /** Called before each of the git module's own retry waits (its reaction to a fault). */
  onGitRetry?: () => void;
}

/** The id git gives a file with `content` (SHA-1 object format). */
export function gitBlobId(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1")
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest("hex");
}

/** Reads git's answer in the working tree; a non-zero exit is "no answer". */
async function gitAnswer(dir: string, args: readonly string[]): Promise<string | undefined> {
  const run = await runGit(args, { cwd: dir });
  return run.exitCode === 0 ? run.stdout.trim() : undefined;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The development workflow's git half over a real repository: preflight,
 * branch, implement (write the change), commit, push. Each side effect is
 * looked up in the repository itself (reconcile) and observed after it ran
 * (postcondition), never taken on the module's word.
 */
export function gitWorkflow(options: GitWorkflowOptions): Workflow<GitWorkflowInput> {
  const { repo, change, beforePhase } = options;
  const dir = repo.dir;
  const file = join(dir, change.path);
  const started = new Set<GitPhase>();
  const enter = async (phase: GitPhase) => {
    if (started.has(phase)) return;
    started.add(phase);
    await beforePhase(phase);
  };
  const blob = gitBlobId(change.content);
  const headHoldsChange = async () =>
    (await gitAnswer(dir, ["rev-parse", "--verify", "--quiet", `HEAD:${change.path}`])) === blob;

  const preflight: Phase<GitWorkflowInput, { checks: number }> = {
    name: "preflight",
    sideEffect: false,
    async run() {
      await enter("preflight");
      const findings = await repo.preflight();
      const refused = findings.find((finding) => finding.status === "refused");
      if (refused !== undefined && refused.status === "refused") throw refused.error;
      return { checks: findings.length };
    },
    async postcondition() {
      return (await repo.currentBranch()) === undefined
        ? err("HEAD is not on a branch after preflight")
        : ok(undefined);
    },
  };

  const branch: Phase<GitWorkflowInput, { branch: string }> = {
    name: "branch",
    target: "git",
    async run() {
      await enter("branch");
      const result = await repo.createBranch(change.branch);
      return { branch: result.branch };
    },
    async reconcile() {
      const sha = await gitAnswer(dir, [
        "rev-parse",
        "--verify",
        "--quiet",
        `refs/heads/${change.branch}`,
      ]);
      return sha === undefined
        ? { found: false }
        : { found: true, value: { branch: change.branch } };
    },
    async postcondition() {
      const current = await repo.currentBranch();
      return current === change.branch
        ? ok(undefined)
        : err(`${change.branch} is not checked out (HEAD: ${current ?? "detached"})`);
    },
  };

  const implement: Phase<GitWorkflowInput, { path: string }> = {
    name: "implement",
    async run() {
      await enter("implement");
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, change.content);
      return { path: change.path };
    },
    async reconcile() {
      return (await readOptional(file)) === change.content
        ? { found: true, value: { path: change.path } }
        : { found: false };
    },
    async postcondition() {
      return (await readOptional(file)) === change.content
        ? ok(undefined)
        : err(`${change.path} does not hold the change`);
    },
  };

  const commit: Phase<GitWorkflowInput, { sha: string }> = {
    name: "commit",
    target: "git",
    async run() {
      await enter("commit");
      // A commit belongs on the run's branch; on any other branch it would be pushed nowhere.
      const current = await repo.currentBranch();
      if (current !== undefined && current !== change.branch) {
        throw wfmError("WFM-GIT-WRONG-BRANCH", {
          message: `${dir} has ${current} checked out, not the run's branch ${change.branch}.`,
          context: { cwd: dir, branch: change.branch, detail: current },
        });
      }
      const result = await repo.commitAll(`Add ${change.path}`);
      return { sha: result.sha };
    },
    async reconcile() {
      return (await headHoldsChange())
        ? { found: true, value: { sha: await repo.headSha() } }
        : { found: false };
    },
    async postcondition() {
      return (await headHoldsChange())
        ? ok(undefined)
        : err(`HEAD's tree does not hold ${change.path} as written`);
    },
  };

  const push: Phase<GitWorkflowInput, { sha: string }> = {
    name: "push",
    target: "git-remote",
    async run() {
      await enter("push");
      const result = await repo.push(change.branch, {
        onRetry: () => options.onGitRetry?.(),
      });
      return { sha: result.sha };
    },
    async reconcile() {
      const head = await repo.headSha();
      return (await repo.remoteBranchSha(change.branch)) === head
        ? { found: true, value: { sha: head } }
        : { found: false };
    },
    async postcondition(_ctx, value) {
      const remote = await repo.remoteBranchSha(change.branch);
      return remote === value.sha
        ? ok(undefined)
        : err(`the remote's ${change.branch} is at ${remote ?? "nothing"}, not ${value.sha}`);
    },
  };

  return defineWorkflow({ name: "git", phases: [preflight, branch, implement, commit, push] });
}
