import { z } from "zod";
import { defineWorkflow, type Workflow } from "../../engine/index.js";
import type { GitRepository } from "../../git/index.js";
import type { GithubClient } from "../../github/index.js";
import type { Ports } from "../../ports/index.js";
import { parseOptions } from "../../retry/parse-options.js";
import { stateRoot } from "../../state/index.js";
import type { DevRunInput } from "./dev-run-input.js";
import type { DevRuntime } from "./dev-runtime.js";
import { createGitPlumbing } from "./git-plumbing.js";
import { createImplementRunner, type ImplementRunner } from "./implement-runner.js";
import { branchPhase } from "./phases/branch-phase.js";
import { commitPhase } from "./phases/commit-phase.js";
import { implementPhase } from "./phases/implement-phase.js";
import { issuePhase } from "./phases/issue-phase.js";
import { preflightPhase } from "./phases/preflight-phase.js";
import { pullRequestPhase } from "./phases/pull-request-phase.js";
import { pushPhase } from "./phases/push-phase.js";
import { nodeProcessGroups, type ProcessGroups } from "./process-groups.js";

/** The phases, in order. */
export const DEV_PHASES = [
  "preflight",
  "issue",
  "branch",
  "implement",
  "commit",
  "push",
  "pull-request",
] as const;
export type DevPhase = (typeof DEV_PHASES)[number];

/** The workflow's name in the journal. */
export const DEV_WORKFLOW = "dev";

/**
 * - `implement.inactivityMs` 600 000: an agent or script silent for ten
 *   minutes is stuck, not thinking.
 * - `implement.timeoutMs` 3 600 000: one attempt may take an hour.
 * - `implement.killGraceMs` 5 000: after SIGTERM, the command's group gets
 *   five seconds to stop before SIGKILL.
 * - `branchPrefix` "wfm/", `remote` "origin".
 */
export const DEV_WORKFLOW_DEFAULTS = {
  inactivityMs: 600_000,
  timeoutMs: 3_600_000,
  killGraceMs: 5_000,
  branchPrefix: "wfm/",
  remote: "origin",
} as const;

export interface DevWorkflowOptions {
  /** The repository the run works in (core/git). */
  git: GitRepository;
  /** The GitHub client (core/github). */
  github: GithubClient;
  /** Spawner (implement command, git plumbing), file system and clock. */
  ports: Ports;
  repo: { owner: string; name: string };
  /** The branch the work starts from and the pull request targets. */
  base: string;
  implement: {
    /** Run as `sh -c COMMAND` in the working tree. */
    command: string;
    inactivityMs?: number;
    timeoutMs?: number;
    killGraceMs?: number;
    /** Added to the command's environment. */
    env?: Record<string, string>;
    /** Every chunk of the command's output (the CLI shows it). */
    onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  };
  /** Default "wfm/". */
  branchPrefix?: string;
  /** The git remote pushes go to; default "origin". */
  remote?: string;
  /** `<repo>/.workflowmaster` by default. */
  stateDir?: string;
  /** Finds and stops a command a killed process left running; Node's by default. */
  processGroups?: ProcessGroups;
}

const isFunction = (value: unknown) => typeof value === "function";
const withMethods = (...names: string[]) =>
  z.custom<unknown>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      names.every((name) => isFunction((value as Record<string, unknown>)[name])),
    `must have ${names.join(", ")}`,
  );

const optionsSchema = z.strictObject({
  git: withMethods("preflight", "createBranch", "commitAll", "push", "currentBranch", "headSha"),
  github: z.custom<unknown>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      typeof (value as { workflowmaster?: unknown }).workflowmaster === "object",
    "must be a client from createGithubClient",
  ),
  ports: z.looseObject({
    spawner: withMethods("run", "isAlive"),
    fs: withMethods("readFile", "rm", "mkdir"),
    clock: withMethods("now", "sleep"),
  }),
  repo: z.strictObject({
    owner: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "must be a GitHub owner"),
    name: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "must be a GitHub repository name"),
  }),
  base: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/, "must be a branch name"),
  implement: z.strictObject({
    command: z.string().refine((command) => command.trim() !== "", "must not be empty"),
    inactivityMs: z.int().min(1).default(DEV_WORKFLOW_DEFAULTS.inactivityMs),
    timeoutMs: z.int().min(1).default(DEV_WORKFLOW_DEFAULTS.timeoutMs),
    killGraceMs: z.int().min(0).default(DEV_WORKFLOW_DEFAULTS.killGraceMs),
    env: z.record(z.string(), z.string()).default({}),
    onOutput: z.custom<(chunk: string, stream: "stdout" | "stderr") => void>(isFunction).optional(),
  }),
  branchPrefix: z
    .string()
    .regex(/^(?:[a-z0-9][a-z0-9_-]*\/)*$/, "must be lowercase path segments ending in '/'")
    .default(DEV_WORKFLOW_DEFAULTS.branchPrefix),
  remote: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/, "must be a git remote name")
    .default(DEV_WORKFLOW_DEFAULTS.remote),
  stateDir: z.string().min(1).optional(),
  processGroups: withMethods("isAlive", "leaderEnvironment", "kill").optional(),
});

/**
 * The development workflow: `preflight → issue → branch → implement →
 * commit → push → pull-request`. Each phase is done only when its effect is
 * observed (the issue fetched back, the branch at its base, a non-empty
 * change, the commit's tree, `ls-remote`, the pull request's head and
 * base); each side effect is looked up before it is redone. Its input is a
 * `DevRunInput` (see `devRunInput`). Options are validated here; a bad field
 * is named in the TypeError.
 */
export function createDevWorkflow(options: DevWorkflowOptions): Workflow<DevRunInput> {
  const parsed = parseOptions(optionsSchema, options, "dev workflow options");
  const git = options.git;
  const { spawner, fs, clock } = options.ports;
  const stateDir = parsed.stateDir ?? stateRoot(git.dir);
  const groups = options.processGroups ?? nodeProcessGroups;
  const runners = new Map<string, ImplementRunner>();
  const rt: DevRuntime = {
    git,
    github: options.github,
    plumbing: createGitPlumbing(spawner, git.dir),
    fs,
    clock,
    spawner,
    groups,
    repo: { owner: parsed.repo.owner, repo: parsed.repo.name },
    slug: `${parsed.repo.owner}/${parsed.repo.name}`,
    base: parsed.base,
    remote: parsed.remote,
    branchPrefix: parsed.branchPrefix,
    stateDir,
    implement: {
      command: parsed.implement.command,
      inactivityMs: parsed.implement.inactivityMs,
      timeoutMs: parsed.implement.timeoutMs,
      killGraceMs: parsed.implement.killGraceMs,
      env: parsed.implement.env,
      onOutput: options.implement.onOutput,
    },
    runner(runId) {
      let runner = runners.get(runId);
      if (runner === undefined) {
        runner = createImplementRunner({
          spawner,
          fs,
          clock,
          groups,
          dir: git.dir,
          stateDir,
          runId,
        });
        runners.set(runId, runner);
      }
      return runner;
    },
  };
  return defineWorkflow<DevRunInput>({
    name: DEV_WORKFLOW,
    phases: [
      preflightPhase(rt),
      issuePhase(rt),
      branchPhase(rt),
      implementPhase(rt),
      commitPhase(rt),
      pushPhase(rt),
      pullRequestPhase(rt),
    ],
  });
}

/** The input of a run of this workflow: what to do, and the settings `resume` rebuilds it from. */
export function devRunInput(
  options: Pick<DevWorkflowOptions, "repo" | "base" | "implement">,
  what: { title: string; body?: string },
): DevRunInput {
  return {
    title: what.title,
    body: what.body ?? "",
    repo: `${options.repo.owner}/${options.repo.name}`,
    base: options.base,
    implement: {
      command: options.implement.command,
      inactivityMs: options.implement.inactivityMs ?? DEV_WORKFLOW_DEFAULTS.inactivityMs,
      timeoutMs: options.implement.timeoutMs ?? DEV_WORKFLOW_DEFAULTS.timeoutMs,
    },
  };
}
