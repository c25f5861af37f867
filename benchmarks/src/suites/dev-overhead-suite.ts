import {
  createDevWorkflow,
  createEngine,
  createGitRepository,
  createRetryBudget,
  devRunInput,
  type EventSink,
  nodeFileSystem,
  nodePorts,
  stateRoot,
  systemClock,
} from "@workflowmaster/core";
import { Direction, type Figure } from "../figure.js";
import { median } from "../median.js";
import { harnessFileSystem, type Slowdown } from "../slowdown.js";
import type { Suite } from "../suite.js";
import { round3 } from "./checkpoint-suite.js";
import {
  type Counts,
  countingFileSystem,
  createDevWorld,
  type DevWorld,
  delayedSpawner,
  GIT_PUSH_MS,
  GITHUB_REQUEST_MS,
  IDENTITY,
  NAME,
  OWNER,
  zeroCounts,
} from "./dev-world.js";

/** The implement step: a trivial command that writes a file. */
const IMPLEMENT = "printf 'hello\\n' > greeting.txt";
const TITLE = "Add a greeting";

interface Runner {
  world: DevWorld;
  counts: Counts;
  /** Hardened only: each phase's own `durationMs` (phase.completed), summed over runs. */
  phaseMs: Map<string, number>;
  run(index: number): Promise<void>;
}

/**
 * The real development workflow (`createDevWorkflow`) run by the hardened
 * engine as the CLI builds it: real disk run store with its journal,
 * snapshots and event log, a retry budget shared by the engine, git and
 * GitHub, git's preflight and the phases' lookups and verifications.
 */
async function hardenedRunner(slowdown: Slowdown | undefined): Promise<Runner> {
  const counts = zeroCounts();
  const budget = createRetryBudget({}, systemClock);
  const world = await createDevWorld(counts, budget);
  const spawner = delayedSpawner(counts);
  const fs = countingFileSystem(harnessFileSystem(nodeFileSystem, slowdown), counts);
  const ports = nodePorts({ fs, spawner });
  const git = createGitRepository({
    dir: world.temp.dir,
    clock: systemClock,
    spawner,
    fs,
    identity: IDENTITY,
    retryBudget: budget,
  });
  const settings = {
    repo: { owner: OWNER, name: NAME },
    base: "main",
    implement: { command: IMPLEMENT },
  };
  const workflow = createDevWorkflow({ git, github: world.github, ports, ...settings });
  const phaseMs = new Map<string, number>();
  const phases: EventSink = {
    emit(event) {
      if (event.type === "phase.completed") {
        phaseMs.set(event.phase, (phaseMs.get(event.phase) ?? 0) + event.durationMs);
      }
    },
  };
  const engine = createEngine({
    ports,
    root: stateRoot(world.temp.dir),
    budget,
    sinks: [phases],
  });
  return {
    world,
    counts,
    phaseMs,
    async run(index) {
      const outcome = await engine.start(workflow, {
        runId: `h${index}`,
        input: devRunInput(settings, { title: `${TITLE} ${index}`, body: "Say hello." }),
      });
      if (outcome.state !== "completed") {
        throw new Error(
          `The hardened dev run ended ${outcome.state}: ${outcome.error?.message ?? "no error"}`,
        );
      }
    },
  };
}

/**
 * The same phases bare: the Octokit calls and git commands that make the
 * workflow's effects, in sequence, with no journal, snapshot, retry,
 * preflight, lookup or verification: create the issue, create the branch,
 * run the command, add and commit, push, open the pull request.
 */
async function bareRunner(): Promise<Runner> {
  const counts = zeroCounts();
  const world = await createDevWorld(counts, undefined);
  const spawner = delayedSpawner(counts);
  const cwd = world.temp.dir;
  const git = async (args: readonly string[]) => {
    const result = await spawner.run("git", args, {
      cwd,
      env: {
        GIT_AUTHOR_NAME: IDENTITY.name,
        GIT_AUTHOR_EMAIL: IDENTITY.email,
        GIT_COMMITTER_NAME: IDENTITY.name,
        GIT_COMMITTER_EMAIL: IDENTITY.email,
      },
    });
    if (result.exitCode !== 0) throw new Error(`bare: git ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  const repo = { owner: OWNER, repo: NAME };
  return {
    world,
    counts,
    phaseMs: new Map(),
    async run(index) {
      const title = `${TITLE} ${index}`;
      const issue = await world.github.rest.issues.create({ ...repo, title, body: "Say hello." });
      const branch = `bare/${index}`;
      await git(["checkout", "--quiet", "-b", branch]);
      const implemented = await spawner.run("sh", ["-c", IMPLEMENT], { cwd });
      if (implemented.exitCode !== 0) throw new Error(`bare: implement: ${implemented.stderr}`);
      await git(["add", "--all"]);
      await git(["commit", "--quiet", "-m", title]);
      await git(["push", "--quiet", "origin", `HEAD:refs/heads/${branch}`]);
      await world.github.rest.pulls.create({
        ...repo,
        title,
        head: branch,
        base: "main",
        body: `Closes #${issue.data.number}`,
      });
    },
  };
}

const ROUNDS = 6;
const WARMUP = 1;

/**
 * Workflow overhead with real service latency: the development workflow
 * run by the hardened engine vs the same effects bare, each run against
 * its own in-process GitHub simulator (50 ms per request) and real git on
 * a temporary repository with a local bare remote (100 ms per push).
 * Hardened and bare alternate run by run (order rotating), the figure is
 * the median of the per-round ratios; the breakdown counts what each run
 * did through the ports.
 */
export const devOverheadSuite: Suite = {
  name: "dev-overhead",
  async run(context) {
    context.log("dev-overhead: the dev workflow, hardened engine vs bare, 50/100 ms latency");
    const hardened = await hardenedRunner(context.slowdown);
    const bare = await bareRunner();
    try {
      const runners = { hardened, bare };
      const names = ["hardened", "bare"] as const;
      const times: Record<(typeof names)[number], number[]> = { hardened: [], bare: [] };
      const perRun: Record<(typeof names)[number], Counts> = {
        hardened: zeroCounts(),
        bare: zeroCounts(),
      };
      for (let round = 0; round < WARMUP + ROUNDS; round += 1) {
        if (round === WARMUP) hardened.phaseMs.clear();
        for (let i = 0; i < names.length; i += 1) {
          const name = names[(i + round) % names.length] as (typeof names)[number];
          const runner = runners[name];
          await runner.world.reset();
          const before = { ...runner.counts };
          const started = performance.now();
          await runner.run(round);
          const took = performance.now() - started;
          if (round < WARMUP) continue;
          times[name].push(took);
          for (const key of Object.keys(before) as (keyof Counts)[]) {
            perRun[name][key] += (runner.counts[key] - before[key]) / ROUNDS;
          }
        }
      }
      const ratios = times.hardened.map((ms, round) => ms / (times.bare[round] ?? Number.NaN));
      const hardenedMs = median(times.hardened);
      const bareMs = median(times.bare);
      const meanHardenedMs = times.hardened.reduce((sum, ms) => sum + ms, 0) / ROUNDS;
      const insidePhases = [...hardened.phaseMs.values()].reduce((sum, ms) => sum + ms, 0) / ROUNDS;
      const h = roundCounts(perRun.hardened);
      const b = roundCounts(perRun.bare);
      const figure: Figure = {
        id: "workflow.dev-overhead",
        suite: "dev-overhead",
        title: "Dev workflow (simulator + real git, 50 ms/request, 100 ms/push): hardened / bare",
        value: round3(median(ratios)),
        direction: Direction.LowerIsBetter,
        target: 1.02,
        details: {
          "hardened p50 ms": round3(hardenedMs),
          "bare p50 ms": round3(bareMs),
          "added ms": round3(hardenedMs - bareMs),
          "GitHub requests hardened / bare": `${h.githubRequests} / ${b.githubRequests}`,
          "of which latency ms": (h.githubRequests - b.githubRequests) * GITHUB_REQUEST_MS,
          "pushes hardened / bare": `${h.pushes} / ${b.pushes}`,
          "spawned hardened / bare (port; simple-git's own not counted)": `${h.spawned} / ${b.spawned}`,
          "hardened fsyncs (file + directory)": `${h.fileSyncs} + ${h.directorySyncs}`,
          "hardened exclusive creates": h.exclusiveCreates,
          "hardened renames": h.renames,
          "hardened event writes": h.eventWrites,
          "mean ms in spawned processes hardened / bare": `${round3(h.spawnMs)} / ${round3(b.spawnMs)}`,
          "mean ms in fsyncs hardened": round3(h.syncMs),
          "mean ms inside phases hardened (phase.completed)": round3(insidePhases),
          "mean ms outside phases hardened (engine: lock, journal, snapshots, events)": round3(
            meanHardenedMs - insidePhases,
          ),
          "mean ms per phase hardened": [...hardened.phaseMs]
            .map(([phase, ms]) => `${phase} ${Math.round(ms / ROUNDS)}`)
            .join(", "),
          "ms per request / push": `${GITHUB_REQUEST_MS} / ${GIT_PUSH_MS}`,
          rounds: ROUNDS,
        },
      };
      const engineOnly: Figure = {
        id: "workflow.dev-engine-overhead",
        suite: "dev-overhead",
        title:
          "Dev workflow, hardened run / the time inside its own phases (what the engine adds around them)",
        value: round3(meanHardenedMs / insidePhases),
        direction: Direction.LowerIsBetter,
        target: 1.02,
        details: {
          "run mean ms": round3(meanHardenedMs),
          "inside phases mean ms": round3(insidePhases),
          "engine ms per run": round3(meanHardenedMs - insidePhases),
          rounds: ROUNDS,
        },
      };
      return [figure, engineOnly];
    } finally {
      await hardened.world.close();
      await bare.world.close();
    }
  },
};

function roundCounts(counts: Counts): Counts {
  return Object.fromEntries(
    Object.entries(counts).map(([key, value]) => [key, round3(value)]),
  ) as unknown as Counts;
}
