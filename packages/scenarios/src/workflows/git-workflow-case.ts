import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CHAOS_GIT_IDENTITY,
  createTempRepository,
  type GitCorruption,
  type GitCorruptor,
  runGit,
  type TempRepository,
} from "@workflowmaster/chaos";
import {
  createEngine,
  createGitRepository,
  createRetryBudget,
  listRuns,
  nodeFileSystem,
  nodePorts,
  nodeProcessSpawner,
  type RetryPolicy,
  type RunOutcome,
  slugifyTitle,
  type WorkflowEvent,
} from "@workflowmaster/core";
import { processLives } from "@workflowmaster/core/testing";
import { type Observation, type ScenarioContext, type SeenError, seenError } from "../scenario.js";
import { ENGINE_REACTIONS } from "./engine-reactions.js";
import {
  type GitNetworkPlan,
  type RunningGitRemote,
  startGitRemote,
} from "./git-remote-network.js";
import { type GitChange, type GitPhase, gitBlobId, gitWorkflow } from "./git-workflow.js";
import { resumeOrStart } from "./resume-or-start.js";

/** What a person sees and can do when a run pauses. */
export interface GitPersonWorld {
  /** The working tree. */
  readonly dir: string;
  readonly change: GitChange;
  /** What the corruptor did, when one was applied. */
  readonly corruption: GitCorruption | undefined;
  /** Runs a shell command in the working tree, as a person at a terminal; returns its exit code. */
  sh(command: string): Promise<{ exitCode: number; output: string }>;
}

/** A person acting on a paused run's error: returns false when there is nothing they would do. */
export type GitPerson = (error: SeenError, world: GitPersonWorld) => Promise<boolean>;

export interface GitCaseOptions {
  /** A corruptor applied at the start of `phase`. */
  corruption?: { corruptor: GitCorruptor; phase: GitPhase };
  /** Network faults on the remote (served by git daemon behind the proxy). */
  network?: GitNetworkPlan;
  /** Who fixes a run paused on an error that needs a person; without one it stays paused. */
  person?: GitPerson;
  retry?: Partial<RetryPolicy>;
  /** Real-time limit on one push/fetch and one ls-remote (keep it small with a timeout toxic). */
  networkTimeoutMs?: number;
  maxResumes?: number;
}

/** Retries in virtual time: a few more attempts than the default, so seeded resets rarely exhaust them. */
const GIT_RETRY: Partial<RetryPolicy> = { maxAttempts: 8 };

/**
 * Runs the git workflow over a real temporary repository with a bare
 * remote, the way an operator would: start; a run paused on a transient
 * error is resumed by a supervisor after a minute; one paused on an error
 * that needs a person is handed to `person` (who follows the error's
 * command) and resumed. Observes the remote: the change committed once on
 * the run's branch, byte for byte; for a run left paused, the change still
 * in the working tree (work never lost).
 */
export async function runGitCase(
  context: ScenarioContext,
  options: GitCaseOptions = {},
): Promise<Observation> {
  const temp = await freshRepository();
  let remote: RunningGitRemote | undefined;
  try {
    if (options.network !== undefined) {
      remote = await startGitRemote({
        basePath: temp.root,
        repository: "remote.git",
        seeds: context.seeds,
        journal: context.journal,
        plan: options.network,
      });
      await temp.git(["remote", "set-url", "origin", remote.url]);
    }
    return await drive(context, options, temp, remote);
  } finally {
    try {
      await remote?.close();
    } finally {
      await temp.cleanup();
    }
  }
}

async function drive(
  context: ScenarioContext,
  options: GitCaseOptions,
  temp: TempRepository,
  remote: RunningGitRemote | undefined,
): Promise<Observation> {
  const runId = `run-${context.seed}`;
  const title = `Chaos change ${context.seed}`;
  const random = context.seeds.stream("change");
  const token = Array.from({ length: 4 }, () => random.int(0, 0xffff).toString(16)).join("-");
  const change: GitChange = {
    branch: `wfm/${slugifyTitle(title, 48)}`,
    path: `changes/${runId}.txt`,
    content: `Change ${token} made by ${runId}.\nIts bytes come from seed ${context.seed}.\n`,
  };
  let corruption: GitCorruption | undefined;
  const network = remote;
  const repo = createGitRepository({
    dir: temp.dir,
    clock: context.clock,
    random: context.seeds.stream("git"),
    spawner: network === undefined ? nodeProcessSpawner : network.spawner(nodeProcessSpawner),
    identity: { name: "WorkflowMaster Chaos", email: "chaos@workflowmaster.invalid" },
    runId,
    retry: { ...GIT_RETRY, ...options.retry },
    ...(options.networkTimeoutMs === undefined
      ? {}
      : { networkTimeoutMs: options.networkTimeoutMs, remoteTimeoutMs: options.networkTimeoutMs }),
  });
  const root = join(temp.dir, ".workflowmaster");
  const started = context.clock.now();
  const errors: SeenError[] = [];
  const reactions: number[] = [];
  const workflow = gitWorkflow({
    repo,
    change,
    onGitRetry: () => reactions.push(context.clock.now()),
    async beforePhase(phase) {
      if (options.corruption !== undefined && options.corruption.phase === phase) {
        corruption = await options.corruption.corruptor.apply(temp.dir, {
          random: context.seeds.stream("corruptor"),
          journal: context.journal,
        });
      }
      if (network !== undefined) await options.network?.atPhase?.(phase, network);
    },
  });

  const sink = {
    emit(event: WorkflowEvent) {
      if (ENGINE_REACTIONS.has(event.type)) reactions.push(context.clock.now());
    },
  };
  const lives = processLives();
  const engine = () =>
    createEngine({
      ports: nodePorts({
        clock: context.clock,
        random: context.seeds.stream("engine"),
        spawner: lives.next(),
      }),
      root,
      sinks: [sink],
      budget: createRetryBudget({}, context.clock),
    });
  const world: GitPersonWorld = {
    dir: temp.dir,
    change,
    get corruption() {
      return corruption;
    },
    sh: (command) => shell(command, temp.dir),
  };

  let neededPerson = false;
  let resumes = 0;
  let outcome: RunOutcome = await engine().start(workflow, { runId, input: { title } });
  const maxResumes = options.maxResumes ?? 8;
  while (outcome.state === "paused" && resumes < maxResumes) {
    const error = outcome.error;
    if (error === undefined) break;
    const seen = seenError(error);
    errors.push(seen);
    if (error.kind !== "transient") {
      neededPerson = true;
      // Nobody to act, or nothing a person would do: the run stays paused, its work kept.
      if (options.person === undefined || !(await options.person(seen, world))) break;
    } else {
      // A supervisor (`workflowmaster resume` from cron) retries a transient pause after a minute.
      await context.clock.sleep(60_000);
    }
    resumes += 1;
    outcome = await resumeAfterRestart(engine, workflow, root, runId, title);
  }
  if (outcome.error !== undefined && outcome.state !== "paused")
    errors.push(seenError(outcome.error));

  const ended = context.clock.now();
  const faults = context.journal.entries();
  const faultAt = faults[0] === undefined ? undefined : Date.parse(faults[0].at);
  const healedAt = faults.at(-1) === undefined ? undefined : Date.parse(faults.at(-1)?.at ?? "");
  const reactedAt = reactions.find((at) => faultAt !== undefined && at >= faultAt);
  const effect = `change:${change.branch}`;
  const work = `work-kept:${change.path}`;
  const observed = await observeRemote(temp, change);
  const live = new Set<string>();
  // A run paused before `implement` had no work yet to lose.
  const implemented =
    outcome.snapshot.phases.find((phase) => phase.name === "implement")?.status === "completed";
  if (outcome.state === "paused") {
    if (observed.onRemote || (await workKept(temp, change))) live.add(work);
  } else if (observed.onRemote) {
    live.add(effect);
  }
  return {
    state: outcome.state,
    expectedLive:
      outcome.state === "completed"
        ? [effect]
        : outcome.state === "paused" && implemented
          ? [work]
          : [],
    live,
    applications: new Map([[effect, observed.applications]]),
    errors,
    resumes,
    virtualMs: ended - started,
    neededPerson,
    ...(faultAt === undefined || reactedAt === undefined ? {} : { detectMs: reactedAt - faultAt }),
    ...(healedAt === undefined ? {} : { recoverMs: Math.max(0, ended - healedAt) }),
  };
}

type EngineFactory = () => ReturnType<typeof createEngine>;

/** Resume; a run that never got its first record saved is started again with the same id. */
function resumeAfterRestart(
  engine: EngineFactory,
  workflow: ReturnType<typeof gitWorkflow>,
  root: string,
  runId: string,
  title: string,
): Promise<RunOutcome> {
  return resumeOrStart({
    engine: engine(),
    workflow,
    runId,
    exists: async () => (await listRuns({ fs: nodeFileSystem, root })).includes(runId),
    start: () => engine().start(workflow, { runId, input: { title } }),
  });
}

let template: Promise<TempRepository> | undefined;

/**
 * A copy of one temporary repository with its bare remote, made once per
 * process: `createTempRepository` is deterministic (fixed dates), so every
 * copy is the repository it would have made, for a file copy instead of six
 * git commands. Only the remote's absolute path in the config is rewritten.
 */
async function freshRepository(): Promise<TempRepository> {
  template ??= createTempRepository({ prefix: "wfm-chaos-git-template-" }).then((made) => {
    // The template lives as long as the process; removed when it exits.
    process.once("exit", () => rmSync(made.root, { recursive: true, force: true }));
    return made;
  });
  const source = await template;
  const root = await mkdtemp(join(tmpdir(), "wfm-chaos-git-"));
  try {
    await cp(source.root, root, { recursive: true, preserveTimestamps: true });
    const config = join(root, "work", ".git", "config");
    const text = await readFile(config, "utf8");
    await writeFile(config, text.replaceAll(source.root, root));
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const dir = join(root, "work");
  return {
    root,
    dir,
    remoteDir: join(root, "remote.git"),
    git: async (args, options = {}) => {
      const run = await runGit(args, {
        cwd: options.cwd ?? dir,
        ...(options.env ? { env: options.env } : {}),
      });
      if (run.exitCode !== 0) {
        throw new Error(
          `git ${args.join(" ")} failed (exit ${run.exitCode}): ${run.stderr.trim()}`,
        );
      }
      return run.stdout;
    },
    write: async (path, content) => {
      await writeFile(join(dir, path), content);
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * The remote's branch, looked at in the bare repository itself: whether its
 * tip holds the change byte for byte, and how many of its commits introduce
 * exactly that content (a second one is a duplicate).
 */
async function observeRemote(
  temp: TempRepository,
  change: GitChange,
): Promise<{ onRemote: boolean; applications: number }> {
  const remoteDir = temp.remoteDir;
  if (remoteDir === undefined) throw new Error("The temporary repository has no bare remote.");
  const ref = `refs/heads/${change.branch}`;
  const tip = await runGit(["rev-parse", "--verify", "--quiet", ref], { cwd: remoteDir });
  if (tip.exitCode !== 0) return { onRemote: false, applications: 0 };
  const blob = gitBlobId(change.content);
  const atTip = await runGit(["rev-parse", "--verify", "--quiet", `${ref}:${change.path}`], {
    cwd: remoteDir,
  });
  const log = await runGit(
    ["log", "--format=commit %H", "--raw", "--no-abbrev", "--no-renames", ref, "--", change.path],
    { cwd: remoteDir },
  );
  if (log.exitCode !== 0) throw new Error(`git log on the remote failed: ${log.stderr.trim()}`);
  // A raw line is ":<old mode> <new mode> <old blob> <new blob> <status>\t<path>".
  const applications = log.stdout
    .split("\n")
    .filter((line) => line.startsWith(":") && line.split(/\s+/)[3] === blob).length;
  return { onRemote: atTip.exitCode === 0 && atTip.stdout.trim() === blob, applications };
}

/** The change still in the working tree, or in the run branch's commit. */
async function workKept(temp: TempRepository, change: GitChange): Promise<boolean> {
  try {
    if ((await readFile(join(temp.dir, change.path), "utf8")) === change.content) return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const saved = await runGit(["show", `refs/heads/${change.branch}:${change.path}`], {
    cwd: temp.dir,
  });
  return saved.exitCode === 0 && saved.stdout === change.content;
}

function shell(command: string, cwd: string): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "sh",
      ["-c", command],
      {
        cwd,
        env: { ...process.env, ...CHAOS_GIT_IDENTITY, LC_ALL: "C", GIT_EDITOR: "true" },
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          reject(error);
          return;
        }
        resolve({ exitCode: error === null ? 0 : Number(error.code), output: stdout + stderr });
      },
    );
  });
}
