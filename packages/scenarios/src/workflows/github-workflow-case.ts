import { join } from "node:path";
import {
  createGithubSimulator,
  type GithubFaultRule,
  type GithubSimulator,
  simulatorFetch,
} from "@workflowmaster/chaos";
import type {
  FaultPoints,
  RepoRef,
  WorkflowEvent,
  WorkflowMasterError,
} from "@workflowmaster/core";
import {
  createEngine,
  createGithubClient,
  createRetryBudget,
  isWorkflowMasterError,
  listRuns,
  markerFor,
  nodeFileSystem,
  nodePorts,
  type RunOutcome,
  withMarker,
} from "@workflowmaster/core";
import { processLives } from "@workflowmaster/core/testing";
import { type Observation, type ScenarioContext, type SeenError, seenError } from "../scenario.js";
import { ENGINE_REACTIONS } from "./engine-reactions.js";
import { COMMENT_KEY, type GithubWorkflowInput, githubWorkflow } from "./github-workflow.js";
import { resumeOrStart } from "./resume-or-start.js";

const REPO: RepoRef = { owner: "octo", repo: "app" };
const FULL_NAME = `${REPO.owner}/${REPO.repo}`;
const PHASES = ["label", "issue", "branch", "pull-request", "comment"] as const;

/** What a person can do while a run is paused on an error only they can clear. */
export interface PersonControls {
  readonly sim: GithubSimulator;
  /** Export a new token: every later process uses it. */
  renewToken(): void;
}

export interface GithubCaseOptions {
  /** The simulator's fault rules (seed the endpoints and `nth` from the case's streams). */
  faults?: GithubFaultRule[];
  /** Rules put in front at the start (`sim.faults.use`), so `sim.faults.reset()` removes them. */
  overrides?: GithubFaultRule[];
  /** Refuse content creation past this many a minute. */
  contentCreationPerMinute?: number;
  /** The run's issue and pull request (with its branch at the run's commit) already exist. */
  preexisting?: boolean;
  /** Fault points for the first process only (a crash kills it; restarts run clean). */
  faultPoints?: FaultPoints;
  /** After the run ends, roll it back. */
  rollback?: boolean;
  maxResumes?: number;
  /** What a person does about a pause that needs them, before the supervisor resumes. */
  person?: (error: WorkflowMasterError, controls: PersonControls) => void;
  /** Event types the engine or adapter must have emitted (else the case is broken, not passed). */
  expectEvents?: readonly string[];
  /**
   * Checks the simulator's request history after the run: throws when the
   * fault did not take the path the scenario is about (a broken case).
   */
  verify?: (sim: GithubSimulator) => void;
}

/**
 * Runs the GitHub workflow (label → issue → branch → pull request →
 * comment) through core's real GitHub adapter against this case's own
 * simulator (`simulatorFetch`: no global interception), on the case's
 * virtual clock, the way an operator would: start; after a crash, a fresh
 * engine and client resume (or start again); a paused run is resumed by a
 * supervisor after a minute, after `person` has acted on an error that
 * needs one. The world is then read from the simulator's model: every
 * object carrying the run's marker, counted.
 */
export async function runGithubCase(
  context: ScenarioContext,
  options: GithubCaseOptions = {},
): Promise<Observation> {
  const sim = createGithubSimulator({
    clock: context.clock,
    random: context.seeds.stream("github"),
    journal: context.journal,
    repos: [FULL_NAME],
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.contentCreationPerMinute === undefined
      ? {}
      : { contentCreationLimit: { perMinute: options.contentCreationPerMinute } }),
  });
  const runId = `run-${context.seed}`;
  const git = sim.model.git(FULL_NAME);
  const base = "main";
  const mainSha = await git.getRef(`refs/heads/${base}`);
  if (mainSha === undefined) throw new Error(`The simulator's ${FULL_NAME} has no ${base}.`);
  // The run's work, already pushed as an object: the branch phase points a ref at it.
  const sha = await git.createCommit({ parents: [mainSha], message: `Work of ${runId}` });
  const input: GithubWorkflowInput = {
    title: `Chaos ${context.scenario}`,
    label: `wfm-${runId}`,
    branch: `wfm/${runId}`,
    base,
    sha,
  };
  if (options.preexisting === true) await seedPreexisting(sim, runId, input);
  if (options.overrides !== undefined) sim.faults.use(...options.overrides);

  const root = join(context.workDir, ".workflowmaster");
  const started = context.clock.now();
  const errors: SeenError[] = [];
  const events = new Set<string>();
  let neededPerson = false;
  const reactions: number[] = [];
  // Waits GitHub demanded (a rate limit's reset, retry-after): not the engine's time to spend.
  const mandatedWaits: { at: number; ms: number }[] = [];
  const sink = {
    emit(event: WorkflowEvent) {
      events.add(event.type);
      if (ENGINE_REACTIONS.has(event.type)) reactions.push(context.clock.now());
      if (event.type === "rate-limit.waiting") {
        mandatedWaits.push({ at: context.clock.now(), ms: event.delayMs });
      }
    },
  };
  let token = "wfm-chaos-token-1";
  let tokens = 1;
  const controls: PersonControls = {
    sim,
    renewToken: () => {
      tokens += 1;
      token = `wfm-chaos-token-${tokens}`;
    },
  };
  const fetch = simulatorFetch(sim);
  const clientRandom = context.seeds.stream("client");
  const lives = processLives();

  // One process: its own engine, client and workflow (a client holds the token it started with).
  const processFor = (faultPoints: FaultPoints | undefined) => {
    const budget = createRetryBudget({}, context.clock);
    const client = createGithubClient({
      token,
      baseUrl: sim.baseUrl,
      fetch,
      clock: context.clock,
      random: clientRandom,
      budget,
      runId,
      emit: (event) => sink.emit(event),
      ...(faultPoints === undefined ? {} : { faultPoints }),
    });
    const engine = createEngine({
      ports: nodePorts({
        clock: context.clock,
        random: context.seeds.stream("engine"),
        spawner: lives.next(),
        ...(faultPoints === undefined ? {} : { faultPoints }),
      }),
      root,
      sinks: [sink],
      budget,
    });
    return { engine, workflow: githubWorkflow(client, REPO) };
  };

  let crashed = false;
  const survive = async (attempt: () => Promise<RunOutcome>): Promise<RunOutcome | undefined> => {
    try {
      return await attempt();
    } catch (error) {
      if (isCrash(error)) {
        crashed = true;
        return undefined;
      }
      throw error;
    }
  };
  const start = (faultPoints?: FaultPoints) => {
    const { engine, workflow } = processFor(faultPoints);
    return engine.start(workflow, { runId, input });
  };
  const resumeAfterRestart = (): Promise<RunOutcome> => {
    const { engine, workflow } = processFor(undefined);
    return resumeOrStart({ engine, workflow, runId, exists: () => runExists(root, runId), start });
  };

  let resumes = 0;
  let outcome = await survive(() => start(options.faultPoints));
  const maxResumes = options.maxResumes ?? 10;
  while (outcome === undefined || outcome.state === "paused" || outcome.state === "running") {
    if (outcome?.error !== undefined) {
      errors.push(seenError(outcome.error));
      if (outcome.state === "paused" && outcome.error.kind !== "transient") {
        neededPerson = true;
        options.person?.(outcome.error, controls);
      }
    }
    if (resumes >= maxResumes) break;
    resumes += 1;
    // A supervisor (cron running `workflowmaster resume`) picks paused runs up after a minute.
    if (outcome?.state === "paused") await context.clock.sleep(60_000);
    outcome = await survive(() => resumeAfterRestart());
  }
  if (outcome?.error !== undefined && outcome.state !== "paused")
    errors.push(seenError(outcome.error));

  let state = outcome?.state ?? (crashed ? "crashed" : "unknown");
  let acknowledged: string[] = (outcome?.snapshot.phases ?? [])
    .filter((phase) => phase.status === "completed")
    .map((phase) => phase.name);
  if (options.rollback === true) {
    const { engine, workflow } = processFor(undefined);
    const rolledBack = await engine.rollback(workflow, runId);
    if (rolledBack.error !== undefined) errors.push(seenError(rolledBack.error));
    state = rolledBack.state;
    acknowledged = [];
  }
  const missing = (options.expectEvents ?? []).filter((type) => !events.has(type));
  if (missing.length > 0) {
    throw new Error(
      `The case never saw ${missing.join(", ")} (saw ${[...events].sort().join(", ")}): the fault did not reach the engine as intended.`,
    );
  }

  options.verify?.(sim);

  const world = await observeWorld(sim, runId, input, state === "rolled-back");
  const ended = context.clock.now();
  const faults = context.journal.entries();
  const faultAt = faults[0] === undefined ? undefined : Date.parse(faults[0].at);
  const healedAt = faults.at(-1) === undefined ? undefined : Date.parse(faults.at(-1)?.at ?? "");
  const reactedAt = reactions.find((at) => faultAt !== undefined && at >= faultAt);
  const mandated = mandatedWaits
    .filter((wait) => healedAt !== undefined && wait.at >= healedAt)
    .reduce((sum, wait) => sum + wait.ms, 0);
  return {
    neededPerson,
    ...(healedAt === undefined ? {} : { recoverMs: Math.max(0, ended - healedAt - mandated) }),
    ...(faultAt === undefined || reactedAt === undefined ? {} : { detectMs: reactedAt - faultAt }),
    state,
    expectedLive: acknowledged.map((phase) => `${runId}:${phase}`),
    live: world.live,
    applications: world.applications,
    errors,
    resumes,
    virtualMs: ended - started,
  };
}

/** The run's issue and pull request exist already (a previous attempt made them). */
async function seedPreexisting(
  sim: GithubSimulator,
  runId: string,
  input: GithubWorkflowInput,
): Promise<void> {
  await sim.model.git(FULL_NAME).setRef(`refs/heads/${input.branch}`, input.sha);
  const issue = sim.faults.preexistingIssue({
    repo: FULL_NAME,
    title: input.title,
    body: withMarker("Opened by a chaos scenario.", markerFor({ runId, phase: "issue" })),
  });
  await sim.faults.preexistingPull({
    repo: FULL_NAME,
    head: input.branch,
    base: input.base,
    title: input.title,
    body: withMarker(`Closes #${issue.number}`, markerFor({ runId, phase: "pull-request" })),
  });
}

/**
 * Counts, in the simulator's model, every object carrying the run's marker
 * (or name): more than one is a duplicate. Live: the object exists and is
 * open — a closed issue or pull request, a deleted ref, a comment on a closed
 * issue is nothing left behind. The label is shared (adopted when it
 * exists), so a rollback keeps it and it is not counted live after one.
 */
async function observeWorld(
  sim: GithubSimulator,
  runId: string,
  input: GithubWorkflowInput,
  rolledBack: boolean,
): Promise<{ live: Set<string>; applications: Map<string, number> }> {
  const model = sim.model;
  const key = (phase: (typeof PHASES)[number]) => `${runId}:${phase}`;
  const live = new Set<string>();
  const applications = new Map<string, number>();
  const count = (phase: (typeof PHASES)[number], all: number, open: number) => {
    if (all > 0) applications.set(key(phase), all);
    if (open > 0) live.add(key(phase));
  };

  const labels = model
    .labels(FULL_NAME)
    .filter((label) => label.name.toLowerCase() === input.label.toLowerCase());
  count("label", labels.length, rolledBack ? 0 : labels.length);

  const issueMarker = markerFor({ runId, phase: "issue" });
  const records = model.issues(FULL_NAME);
  const issues = records.filter((issue) => !issue.pull && (issue.body ?? "").includes(issueMarker));
  count("issue", issues.length, issues.filter((issue) => issue.state === "open").length);

  // A ref name cannot be duplicated; its absence is what matters.
  const ref =
    (await model.git(FULL_NAME).getRef(`refs/heads/${input.branch}`)) === undefined ? 0 : 1;
  count("branch", ref, ref);

  const pullMarker = markerFor({ runId, phase: "pull-request" });
  const pulls = records.filter((issue) => issue.pull && (issue.body ?? "").includes(pullMarker));
  count("pull-request", pulls.length, pulls.filter((pull) => pull.state === "open").length);

  const commentMarker = markerFor({ runId, phase: "comment", key: COMMENT_KEY });
  let comments = 0;
  let openComments = 0;
  for (const issue of issues) {
    const mine = model
      .comments(FULL_NAME, issue.number)
      .filter((item) => item.body.includes(commentMarker)).length;
    comments += mine;
    if (issue.state === "open") openComments += mine;
  }
  count("comment", comments, openComments);
  return { live, applications };
}

async function runExists(root: string, runId: string): Promise<boolean> {
  return (await listRuns({ fs: nodeFileSystem, root })).includes(runId);
}

function isCrash(error: unknown): boolean {
  return (
    !isWorkflowMasterError(error) &&
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "CHAOS_CRASH"
  );
}
