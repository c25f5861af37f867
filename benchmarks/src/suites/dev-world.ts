import { setTimeout as sleep } from "node:timers/promises";
import {
  createFaultJournal,
  createGithubSimulator,
  createSeed,
  createTempRepository,
  type GithubSimulator,
  simulatorFetch,
  type TempRepository,
} from "@workflowmaster/chaos";
import {
  createGithubClient,
  createVirtualClock,
  type FileSystem,
  type GithubClient,
  nodeProcessSpawner,
  ok,
  type Phase,
  type Ports,
  type ProcessSpawner,
  type RetryBudget,
  seededRandom,
  type VirtualClock,
  type Workflow,
} from "@workflowmaster/core";

export const OWNER = "acme";
export const NAME = "widgets";
export const IDENTITY = { name: "WorkflowMaster Bench", email: "wfm-bench@example.invalid" };

/** Realistic service latency, in real time: each GitHub request 50 ms, each `git push` 100 ms. */
export const GITHUB_REQUEST_MS = 50;
export const GIT_PUSH_MS = 100;

/** What one run did, counted through the ports it was given. */
export interface Counts {
  githubRequests: number;
  /** Processes started through the ProcessSpawner port (git network commands, plumbing, the implement command). */
  spawned: number;
  pushes: number;
  /** `FileHandle.sync()` calls. */
  fileSyncs: number;
  /** `FileSystem.syncDirectory()` calls. */
  directorySyncs: number;
  /** Files created exclusively ("wx": snapshot temp files, journals, locks). */
  exclusiveCreates: number;
  /** Writes into an `events.ndjson`. */
  eventWrites: number;
  renames: number;
  /** Real ms spent in processes started through the spawner (push latency included). */
  spawnMs: number;
  /** Real ms spent in `sync()` and `syncDirectory()`. */
  syncMs: number;
}

export const zeroCounts = (): Counts => ({
  githubRequests: 0,
  spawned: 0,
  pushes: 0,
  fileSyncs: 0,
  directorySyncs: 0,
  exclusiveCreates: 0,
  eventWrites: 0,
  renames: 0,
  spawnMs: 0,
  syncMs: 0,
});

/** Runs `work`, adding its real duration to `counts[key]`. */
async function timed<T>(counts: Counts, key: "spawnMs" | "syncMs", work: () => Promise<T>) {
  const started = performance.now();
  try {
    return await work();
  } finally {
    counts[key] += performance.now() - started;
  }
}

/** Every GitHub request waits 50 ms of real time before the simulator answers it. */
export function delayedFetch(
  inner: typeof globalThis.fetch,
  counts: Counts,
): typeof globalThis.fetch {
  return async (input, init) => {
    counts.githubRequests += 1;
    await sleep(GITHUB_REQUEST_MS);
    return inner(input, init);
  };
}

/** `git push` waits 100 ms of real time before it runs; every process started is counted. */
export function delayedSpawner(counts: Counts): ProcessSpawner {
  return {
    pid: nodeProcessSpawner.pid,
    isAlive: (pid) => nodeProcessSpawner.isAlive(pid),
    async run(command, args, options) {
      counts.spawned += 1;
      return timed(counts, "spawnMs", async () => {
        if (command === "git" && args.includes("push")) {
          counts.pushes += 1;
          await sleep(GIT_PUSH_MS);
        }
        return nodeProcessSpawner.run(command, args, options);
      });
    },
  };
}

/** Counts the durable-write work done through the FileSystem port (fsyncs, creates, event lines). */
export function countingFileSystem(base: FileSystem, counts: Counts): FileSystem {
  return {
    ...base,
    async open(path, flags, mode) {
      const handle = await base.open(path, flags, mode);
      if (flags === "wx") counts.exclusiveCreates += 1;
      const events = path.endsWith("events.ndjson");
      return {
        ...handle,
        write: (data, position) => {
          if (events) counts.eventWrites += 1;
          return handle.write(data, position);
        },
        sync: () => {
          counts.fileSyncs += 1;
          return timed(counts, "syncMs", () => handle.sync());
        },
        close: () => handle.close(),
      };
    },
    syncDirectory(path) {
      counts.directorySyncs += 1;
      return timed(counts, "syncMs", () => base.syncDirectory(path));
    },
    rename(from, to) {
      counts.renames += 1;
      return base.rename(from, to);
    },
  };
}

export interface DevWorld {
  readonly temp: TempRepository;
  readonly sim: GithubSimulator;
  readonly github: GithubClient;
  readonly clock: VirtualClock;
  /** Back to `main`, clean, before each run (not timed). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real repository with a local bare `origin` (chaos's temp repository)
 * and the in-process GitHub simulator backed by that bare repository, its
 * answers 50 ms late in real time. The GitHub client's own clock (write
 * spacing, backoff) and the simulator's are virtual, as in core's dev
 * workflow tests: GitHub's politeness spacing would otherwise add seconds
 * that are neither robustness nor service latency.
 */
export async function createDevWorld(
  counts: Counts,
  budget: RetryBudget | undefined,
): Promise<DevWorld> {
  const temp = await createTempRepository({ bareRemote: true, prefix: "wfm-bench-dev-" });
  const clock = createVirtualClock();
  const sim = createGithubSimulator({
    clock,
    random: createSeed(1).stream("github"),
    journal: createFaultJournal(clock),
    repos: [`${OWNER}/${NAME}`],
    ...(temp.remoteDir === undefined ? {} : { gitDir: temp.remoteDir }),
  });
  const github = createGithubClient({
    token: "bench-token",
    fetch: delayedFetch(simulatorFetch(sim), counts),
    clock,
    random: seededRandom(3),
    ...(budget === undefined ? {} : { budget }),
  });
  return {
    temp,
    sim,
    github,
    clock,
    async reset() {
      await temp.git(["checkout", "--quiet", "--force", "main"]);
      await temp.git(["clean", "--quiet", "-fdx", "--exclude=.workflowmaster"]);
    },
    close: () => temp.cleanup(),
  };
}

/** The parts of a phase the engine calls in a clean run. */
export const PHASE_PARTS = ["precondition", "run", "postcondition"] as const;
export type PhasePart = (typeof PHASE_PARTS)[number];

/** Real time spent in one part of a phase, and the GitHub requests and processes it caused. */
export interface PartCost {
  ms: number;
  githubRequests: number;
  spawned: number;
}

/** Per phase name, per part; summed over every run measured. */
export type PhaseCosts = Map<string, Record<PhasePart, PartCost>>;

const zeroPart = (): PartCost => ({ ms: 0, githubRequests: 0, spawned: 0 });

/**
 * The same workflow with each phase's `precondition`, `run` and
 * `postcondition` timed and the GitHub requests and processes started
 * inside them counted into `costs` (phases run one at a time, so what
 * `counts` gains meanwhile is that part's). Nothing else about the phases
 * changes: this is how the benchmark tells the time inside `run` from the
 * checks around it and from the engine's own work.
 */
export function timedWorkflow<I>(
  workflow: Workflow<I>,
  counts: Counts,
  costs: PhaseCosts,
): Workflow<I> {
  const phases = workflow.phases.map((phase): Workflow<I>["phases"][number] => {
    const measure = async <T>(part: PhasePart, work: () => Promise<T>): Promise<T> => {
      let entry = costs.get(phase.name);
      if (entry === undefined) {
        entry = { precondition: zeroPart(), run: zeroPart(), postcondition: zeroPart() };
        costs.set(phase.name, entry);
      }
      const cost = entry[part];
      const requests = counts.githubRequests;
      const spawned = counts.spawned;
      const started = performance.now();
      try {
        return await work();
      } finally {
        cost.ms += performance.now() - started;
        cost.githubRequests += counts.githubRequests - requests;
        cost.spawned += counts.spawned - spawned;
      }
    };
    const precondition = phase.precondition;
    const postcondition = phase.postcondition;
    return {
      ...phase,
      run: (ctx) => measure("run", () => phase.run(ctx)),
      ...(precondition === undefined
        ? {}
        : {
            precondition: (ctx) => measure("precondition", () => precondition.call(phase, ctx)),
          }),
      ...(postcondition === undefined
        ? {}
        : {
            postcondition: (ctx, value) =>
              measure("postcondition", () => postcondition.call(phase, ctx, value)),
          }),
    };
  });
  return { ...workflow, phases };
}

/** Sums one part over every phase (or over the phases `include` accepts). */
export function partTotal(
  costs: PhaseCosts,
  part: PhasePart,
  include: (phase: string) => boolean = () => true,
): PartCost {
  const total = zeroPart();
  for (const [phase, parts] of costs) {
    if (!include(phase)) continue;
    total.ms += parts[part].ms;
    total.githubRequests += parts[part].githubRequests;
    total.spawned += parts[part].spawned;
  }
  return total;
}

function noProgress(): void {
  // Bare: no watchdog listens.
}

/**
 * Phases called bare, as issue 7 defines the baseline: each phase as its
 * definition has it (`precondition`, `run`, `postcondition`, in order,
 * given the input and the values of the phases before it) with no engine —
 * no run store, lock, journal, snapshot, event, retry wrapper or watchdog.
 * A check that does not hold throws. `results` supplies the values of
 * phases not run here (the skipped preflight's).
 */
export async function runPhasesBare<I>(
  phases: Workflow<I>["phases"],
  options: { runId: string; input: I; ports: Ports; results: Readonly<Record<string, unknown>> },
): Promise<Record<string, unknown>> {
  const { runId, input, ports } = options;
  const results: Record<string, unknown> = { ...options.results };
  const signal = new AbortController().signal;
  for (const phase of phases as readonly Phase<I, unknown>[]) {
    const ctx = {
      runId,
      input,
      results,
      attempt: 1,
      signal,
      progress: noProgress,
      ports,
      idempotencyKey: `${runId}:${phase.name}`,
    };
    const ready = (await phase.precondition?.(ctx)) ?? ok(undefined);
    if (!ready.ok) throw new Error(`phases bare: ${phase.name}'s precondition: ${ready.error}`);
    const value = await phase.run(ctx);
    const observed = (await phase.postcondition?.(ctx, value)) ?? ok(undefined);
    if (!observed.ok)
      throw new Error(`phases bare: ${phase.name}'s postcondition: ${observed.error}`);
    results[phase.name] = value;
  }
  return results;
}
