import { execFile } from "node:child_process";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  createAlertMonitor,
  createDevWorkflow,
  createEngine,
  createEventBus,
  createGitRepository,
  createResourceGuard,
  createRetryBudget,
  devRunInput,
  type EventSink,
  ensureGitExclude,
  type FileSystem,
  nodeFileSystem,
  nodePorts,
  nodeResourceProbe,
  type PreflightValue,
  type RetryBudget,
  snapshotPruner,
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
  type PartCost,
  type PhaseCosts,
  type PhasePart,
  partTotal,
  runPhasesBare,
  timedWorkflow,
  zeroCounts,
} from "./dev-world.js";

/** The implement step: a trivial command that writes a file. */
const IMPLEMENT = "printf 'hello\\n' > greeting.txt";
const TITLE = "Add a greeting";

interface Runner {
  world: DevWorld;
  counts: Counts;
  /** Time and traffic inside each phase's parts (the runners that run the real phases). */
  costs: PhaseCosts;
  /** Hardened only: each phase's own `durationMs` (phase.completed), summed over runs. */
  phaseMs: Map<string, number>;
  run(index: number): Promise<void>;
  close?(): void;
}

const SETTINGS = {
  repo: { owner: OWNER, name: NAME },
  base: "main",
  implement: { command: IMPLEMENT },
};

/**
 * The dev workflow as the CLI builds it, over a world's repository, behind
 * the delaying spawner, its phases timed into `costs`.
 */
function devWorkflow(options: {
  world: DevWorld;
  counts: Counts;
  costs: PhaseCosts;
  fs: FileSystem;
  budget?: RetryBudget;
}) {
  const { world, counts, costs, fs, budget } = options;
  const spawner = delayedSpawner(counts);
  const ports = nodePorts({ fs, spawner });
  const git = createGitRepository({
    dir: world.temp.dir,
    clock: systemClock,
    spawner,
    fs,
    identity: IDENTITY,
    ...(budget === undefined ? {} : { retryBudget: budget }),
  });
  const workflow = createDevWorkflow({ git, github: world.github, ports, ...SETTINGS });
  return { spawner, ports, workflow: timedWorkflow(workflow, counts, costs) };
}

/**
 * The real development workflow (`createDevWorkflow`) run by the hardened
 * engine as the CLI builds it (`openDevSession`): real disk run store with
 * its journal, snapshots and event log, a retry budget shared by the
 * engine, git and GitHub, the resource guard before each phase (disk,
 * memory, descriptors), the alert monitor with its stall timers on the
 * event bus, git's preflight and the phases' lookups and verifications.
 * Not included: the console progress lines and the alert sinks, which have
 * nothing to deliver in a clean run.
 */
async function hardenedRunner(slowdown: Slowdown | undefined): Promise<Runner> {
  const counts = zeroCounts();
  const costs: PhaseCosts = new Map();
  const budget = createRetryBudget({}, systemClock);
  const world = await createDevWorld(counts, budget);
  const fs = countingFileSystem(harnessFileSystem(nodeFileSystem, slowdown), counts);
  const { ports, workflow } = devWorkflow({ world, counts, costs, fs, budget });
  const phaseMs = new Map<string, number>();
  const phases: EventSink = {
    emit(event) {
      if (event.type === "phase.completed") {
        phaseMs.set(event.phase, (phaseMs.get(event.phase) ?? 0) + event.durationMs);
      }
    },
  };
  const bus = createEventBus();
  const monitor = createAlertMonitor({ bus, sinks: [], clock: systemClock, thresholds: {} });
  const guard = createResourceGuard({
    fs,
    probe: nodeResourceProbe,
    pruneSnapshots: snapshotPruner(fs, 1),
    emit: (event) => bus.emit(event),
  });
  const engine = createEngine({
    ports,
    root: stateRoot(world.temp.dir),
    budget,
    sinks: [phases, bus],
    resourceCheck: (phase, runDir) => guard.check(phase, runDir),
  });
  return {
    world,
    counts,
    costs,
    phaseMs,
    close: () => monitor.dispose(),
    async run(index) {
      const outcome = await engine.start(workflow, {
        runId: `h${index}`,
        input: devRunInput(SETTINGS, { title: `${TITLE} ${index}`, body: "Say hello." }),
      });
      if (outcome.state !== "completed") {
        throw new Error(
          `The hardened dev run ended ${outcome.state}: ${outcome.error?.message ?? "no error"}`,
        );
      }
      const [alert] = monitor.alerts;
      if (alert !== undefined) {
        throw new Error(`The clean hardened dev run raised ${alert.code}: ${alert.message}`);
      }
    },
  };
}

/**
 * Issue 7's baseline: the same `createDevWorkflow` phases (built the same
 * way, over the same kind of world, behind the same latency) minus
 * `preflight`, each called as its definition has it — precondition, run,
 * postcondition — in order with the earlier values (`runPhasesBare`): no
 * engine, run store, journal, snapshot, event, retry wrapper, budget or
 * watchdog, which is the issue's list. What the phases do (ensureIssue's
 * look-up by marker, the implement step's guards, core/git's push with its
 * `ls-remote`, the read-backs that observe each effect) is the phases'
 * work, not the engine's, so it stays; the suite also reports the ratio to
 * their `run()` alone, without the read-backs.
 */
async function phasesBareRunner(): Promise<Runner> {
  const counts = zeroCounts();
  const costs: PhaseCosts = new Map();
  const world = await createDevWorld(counts, undefined);
  const fs = countingFileSystem(nodeFileSystem, counts);
  const { spawner, ports, workflow } = devWorkflow({ world, counts, costs, fs });
  const cwd = world.temp.dir;
  // Preflight's one lasting change, `.workflowmaster/` in info/exclude, made
  // once here (untimed): the hardened side makes it in its first, warm-up
  // run and only reads it afterwards. Without it the implement step's run
  // state (its pid file, temporary indexes) would show up as changes.
  await ensureGitExclude(nodeFileSystem, cwd);
  const phases = workflow.phases.filter((phase) => phase.name !== "preflight");
  return {
    world,
    counts,
    costs,
    phaseMs: new Map(),
    async run(index) {
      // Exactly what the skipped preflight phase would return, the cheapest
      // honest way: its `baseSha` is the first of `refs/heads/<base>`,
      // `refs/remotes/<remote>/<base>` that resolves (the local `main` here,
      // one `git rev-parse`, timed with the run), and `repairs` lists what
      // it repaired, nothing in this clean clone. `branch` parses the value
      // with preflight's own schema.
      const found = await spawner.run(
        "git",
        ["rev-parse", "--verify", "--quiet", `refs/heads/${SETTINGS.base}^{commit}`],
        { cwd },
      );
      if (found.exitCode !== 0)
        throw new Error(`phases bare: no ${SETTINGS.base}: ${found.stderr}`);
      const preflight: PreflightValue = { baseSha: found.stdout.trim(), repairs: [] };
      await runPhasesBare(phases, {
        runId: `p${index}`,
        input: devRunInput(SETTINGS, { title: `${TITLE} ${index}`, body: "Say hello." }),
        ports,
        results: { preflight },
      });
    },
  };
}

/**
 * A minimal script of the same effects: the Octokit calls and git commands
 * a person would type, in sequence, with no engine and none of the phases'
 * look-ups, guards or verifications: create the issue, create the branch,
 * run the command, add and commit, push, open the pull request.
 */
async function scriptRunner(): Promise<Runner> {
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
    costs: new Map(),
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

const FLOOR_SAMPLES = 30;

/**
 * Preflight's git commands on a healthy repository, arranged as preflight
 * runs them (`git-repository.preflight.test.ts` lists the seven): the
 * repository check's `rev-parse` first, alone; then the rest at once, the
 * remote's two one after the other.
 */
async function barePreflightProcesses(dir: string): Promise<void> {
  const run = promisify(execFile);
  const git = (args: string[]) => run("git", args, { cwd: dir });
  await git([
    "rev-parse",
    "--show-toplevel",
    "--absolute-git-dir",
    "--git-common-dir",
    "--show-object-format",
    "--is-shallow-repository",
    "HEAD^{commit}",
    "--symbolic-full-name",
    "HEAD",
  ]);
  await Promise.all([
    git(["remote", "get-url", "origin"]).then(() => git(["ls-remote", "--heads", "origin"])),
    git(["ls-files", "--stage", "-z"]),
    git(["for-each-ref", "--format=%(objectname) %(objecttype) %(refname)"]),
    git(["status", "--porcelain=v1", "-z", "--untracked-files=no", "--ignore-submodules=none"]),
    git([
      "for-each-ref",
      "--format=%(refname)%00%(upstream:short)%00%(upstream:track,nobracket)",
      "refs/heads/main",
    ]),
  ]);
}

/**
 * What the hardening cannot cost less than on this machine, measured now:
 * preflight's git processes run bare (`execFile`, no simple-git, no checks)
 * in preflight's arrangement, and a bare append + fsync, each the median of
 * `FLOOR_SAMPLES`, in `dir`.
 */
async function measureFloor(dir: string): Promise<{ preflightMs: number; fsyncMs: number }> {
  const preflight: number[] = [];
  for (let i = 0; i < FLOOR_SAMPLES; i += 1) {
    const started = performance.now();
    await barePreflightProcesses(dir);
    preflight.push(performance.now() - started);
  }
  const fsync: number[] = [];
  const handle = await open(join(dir, ".git", "wfm-bench-floor.ndjson"), "a");
  try {
    const line = Buffer.from(
      `${JSON.stringify({ seq: 1, type: "phase.intent", pad: "x".repeat(160) })}\n`,
    );
    for (let i = 0; i < FLOOR_SAMPLES; i += 1) {
      const started = performance.now();
      await handle.write(line);
      await handle.sync();
      fsync.push(performance.now() - started);
    }
  } finally {
    await handle.close();
  }
  return { preflightMs: median(preflight), fsyncMs: median(fsync) };
}

const ROUNDS = 10;
const WARMUP = 1;
const RUNNERS = ["hardened", "phasesBare", "script"] as const;
type RunnerName = (typeof RUNNERS)[number];

/**
 * Workflow overhead with real service latency, as issue 7 defines it: the
 * development workflow run by the hardened engine vs the same phases run
 * bare, and, beside it, vs a minimal script of the same effects. Each
 * runner has its own in-process GitHub simulator (50 ms per request) and
 * real git on a temporary repository with a local bare remote (100 ms per
 * push). The three alternate run by run, the order rotating each round;
 * each figure is the median of the per-round ratios. The breakdown says
 * where the hardened run's extra time goes.
 */
export const devOverheadSuite: Suite = {
  name: "dev-overhead",
  async run(context) {
    context.log("dev-overhead: the dev workflow, hardened vs phases bare vs script, 50/100 ms");
    const runners: Record<RunnerName, Runner> = {
      hardened: await hardenedRunner(context.slowdown),
      phasesBare: await phasesBareRunner(),
      script: await scriptRunner(),
    };
    try {
      const times: Record<RunnerName, number[]> = { hardened: [], phasesBare: [], script: [] };
      /** Per round: the phases-bare run's time in its pre- and postconditions. */
      const bareChecksMs: number[] = [];
      const checksMs = (costs: PhaseCosts) =>
        partTotal(costs, "precondition").ms + partTotal(costs, "postcondition").ms;
      const perRun: Record<RunnerName, Counts> = {
        hardened: zeroCounts(),
        phasesBare: zeroCounts(),
        script: zeroCounts(),
      };
      for (let round = 0; round < WARMUP + ROUNDS; round += 1) {
        if (round === WARMUP) {
          runners.hardened.phaseMs.clear();
          for (const name of RUNNERS) runners[name].costs.clear();
        }
        for (let i = 0; i < RUNNERS.length; i += 1) {
          const name = RUNNERS[(i + round) % RUNNERS.length] as RunnerName;
          const runner = runners[name];
          await runner.world.reset();
          const before = { ...runner.counts };
          const checksBefore = checksMs(runner.costs);
          const started = performance.now();
          await runner.run(round);
          const took = performance.now() - started;
          if (round < WARMUP) continue;
          times[name].push(took);
          if (name === "phasesBare") bareChecksMs.push(checksMs(runner.costs) - checksBefore);
          for (const key of Object.keys(before) as (keyof Counts)[]) {
            perRun[name][key] += (runner.counts[key] - before[key]) / ROUNDS;
          }
        }
      }
      const ratiosTo = (base: RunnerName) =>
        times.hardened.map((ms, round) => ms / (times[base][round] ?? Number.NaN));
      const mean = (values: readonly number[]) =>
        values.reduce((sum, value) => sum + value, 0) / values.length;
      const p50 = {
        hardened: median(times.hardened),
        phasesBare: median(times.phasesBare),
        script: median(times.script),
      };
      const meanMs = { hardened: mean(times.hardened), phasesBare: mean(times.phasesBare) };
      const floor = await measureFloor(runners.hardened.world.temp.dir);
      const h = roundCounts(perRun.hardened);
      const p = roundCounts(perRun.phasesBare);
      const s = roundCounts(perRun.script);

      // Where the hardened run's extra time goes, per run (means over the rounds).
      const hardened = runners.hardened;
      const perRound = (cost: PartCost) => ({
        ms: cost.ms / ROUNDS,
        githubRequests: cost.githubRequests / ROUNDS,
        spawned: cost.spawned / ROUNDS,
      });
      const notPreflight = (phase: string) => phase !== "preflight";
      const preflight = perRound(
        partTotal(hardened.costs, "run", (phase) => phase === "preflight"),
      );
      const hardenedRun = perRound(partTotal(hardened.costs, "run", notPreflight));
      const bareRun = perRound(partTotal(runners.phasesBare.costs, "run"));
      const post = perRound(partTotal(hardened.costs, "postcondition"));
      const pre = perRound(partTotal(hardened.costs, "precondition"));
      const barePost = perRound(partTotal(runners.phasesBare.costs, "postcondition"));
      const barePre = perRound(partTotal(runners.phasesBare.costs, "precondition"));
      const insidePhases = [...hardened.phaseMs.values()].reduce((sum, ms) => sum + ms, 0) / ROUNDS;
      const inTurns = insidePhases - preflight.ms - hardenedRun.ms - post.ms - pre.ms;
      const outsideTurns = meanMs.hardened - insidePhases;
      const baseShaMs = meanMs.phasesBare - bareRun.ms - barePost.ms - barePre.ms;
      const phasesDifference =
        hardenedRun.ms + post.ms + pre.ms - bareRun.ms - barePost.ms - barePre.ms;
      // The stricter baseline: the bare phases' run() alone, their checks' time taken out round by round.
      const runOnly = times.phasesBare.map((ms, round) => ms - (bareChecksMs[round] ?? Number.NaN));

      const figure: Figure = {
        id: "workflow.dev-overhead",
        suite: "dev-overhead",
        title:
          "Dev workflow (simulator + real git, 50 ms/request, 100 ms/push): hardened engine / the same phases bare (no engine, journal, snapshots, retry wrappers or preflight)",
        value: round3(median(ratiosTo("phasesBare"))),
        direction: Direction.LowerIsBetter,
        target: 1.02,
        details: {
          "hardened p50 ms": round3(p50.hardened),
          "phases bare p50 ms": round3(p50.phasesBare),
          "added ms (p50)": round3(p50.hardened - p50.phasesBare),
          "added ms (mean)": round3(meanMs.hardened - meanMs.phasesBare),
          "of which preflight phase ms": round3(preflight.ms),
          "of which engine ms inside phase turns (intent journal, events, watchdog, retry wrapper)":
            round3(inTurns),
          "of which engine ms outside phase turns (lock, run start, snapshots, run end)":
            round3(outsideTurns),
          "of which phases' run() and checks ms hardened − bare (noise, retry budget)":
            round3(phasesDifference),
          "less: phases bare's baseSha rev-parse ms": round3(baseShaMs),
          "phases' checks ms hardened / bare (postconditions + preconditions, in both)": `${round3(post.ms + pre.ms)} / ${round3(barePost.ms + barePre.ms)}`,
          "hardened less preflight / phases bare (mean; the engine alone)": round3(
            (meanMs.hardened - preflight.ms) / meanMs.phasesBare,
          ),
          "GitHub requests hardened / phases bare": `${h.githubRequests} / ${p.githubRequests}`,
          "GitHub requests in postconditions / preflight": `${round3(post.githubRequests)} / ${round3(preflight.githubRequests)}`,
          "spawned hardened / phases bare (port; simple-git's own not counted)": `${h.spawned} / ${p.spawned}`,
          "spawns in preflight / postconditions / preconditions": `${round3(preflight.spawned)} / ${round3(post.spawned)} / ${round3(pre.spawned)}`,
          "pushes hardened / phases bare": `${h.pushes} / ${p.pushes}`,
          "hardened fsyncs (file + directory)": `${h.fileSyncs} + ${h.directorySyncs}`,
          "phases bare fsyncs (file + directory)": `${p.fileSyncs} + ${p.directorySyncs}`,
          "hardened exclusive creates": h.exclusiveCreates,
          "hardened renames": h.renames,
          "hardened event writes": h.eventWrites,
          "mean ms in fsyncs hardened": round3(h.syncMs),
          "mean ms in spawned processes hardened / phases bare": `${round3(h.spawnMs)} / ${round3(p.spawnMs)}`,
          "mean ms per phase run() hardened": costsLine(hardened.costs, "run"),
          "mean ms per phase run() phases bare": costsLine(runners.phasesBare.costs, "run"),
          "mean ms per postcondition hardened": costsLine(hardened.costs, "postcondition"),
          "mean ms per phase turn hardened (phase.completed)": [...hardened.phaseMs]
            .map(([phase, ms]) => `${phase} ${Math.round(ms / ROUNDS)}`)
            .join(", "),
          "ms per request / push": `${GITHUB_REQUEST_MS} / ${GIT_PUSH_MS}`,
          "floor: preflight's git processes bare, as arranged / bare append+fsync ms": `${round3(floor.preflightMs)} / ${round3(floor.fsyncMs)}`,
          "floor ratio: 1 + (preflight's git processes + the run's fsyncs, at their bare cost) / phases bare p50":
            round3(
              1 +
                (floor.preflightMs + (h.fileSyncs + h.directorySyncs) * floor.fsyncMs) /
                  p50.phasesBare,
            ),
          rounds: ROUNDS,
        },
      };
      const vsRunOnly: Figure = {
        id: "workflow.dev-vs-run-only",
        suite: "dev-overhead",
        title:
          "Dev workflow hardened / the same phases' run() alone, bare (stricter than issue 7's baseline: the read-backs that observe each effect count as overhead too)",
        value: round3(
          median(times.hardened.map((ms, round) => ms / (runOnly[round] ?? Number.NaN))),
        ),
        direction: Direction.LowerIsBetter,
        target: 1.02,
        details: {
          "hardened p50 ms": round3(p50.hardened),
          "phases bare, run() alone, p50 ms": round3(median(runOnly)),
          "of which postconditions ms (2 GitHub read-backs at 50 ms, git verifications)": round3(
            post.ms,
          ),
          "of which preflight phase ms": round3(preflight.ms),
          "of which engine ms": round3(inTurns + outsideTurns),
          "floor set by the two GitHub read-backs alone (1 + 100 ms / run-only p50)": round3(
            1 + (2 * GITHUB_REQUEST_MS) / median(runOnly),
          ),
          rounds: ROUNDS,
        },
      };
      const vsScript: Figure = {
        id: "workflow.dev-vs-script",
        suite: "dev-overhead",
        title:
          "Dev workflow hardened / a minimal script of the same effects (the cost of the phases' look-ups, checks and verifications, not of the engine)",
        value: round3(median(ratiosTo("script"))),
        direction: Direction.LowerIsBetter,
        details: {
          "hardened p50 ms": round3(p50.hardened),
          "script p50 ms": round3(p50.script),
          "phases bare / script (p50)": round3(p50.phasesBare / p50.script),
          "GitHub requests hardened / phases bare / script": `${h.githubRequests} / ${p.githubRequests} / ${s.githubRequests}`,
          "spawned hardened / phases bare / script": `${h.spawned} / ${p.spawned} / ${s.spawned}`,
          "mean ms in spawned processes script": round3(s.spawnMs),
          rounds: ROUNDS,
        },
      };
      const engineOnly: Figure = {
        id: "workflow.dev-engine-overhead",
        suite: "dev-overhead",
        title:
          "Dev workflow, hardened run / the time inside its own phases (what the engine adds around them)",
        value: round3(meanMs.hardened / insidePhases),
        direction: Direction.LowerIsBetter,
        target: 1.02,
        details: {
          "run mean ms": round3(meanMs.hardened),
          "inside phases mean ms": round3(insidePhases),
          "engine ms per run": round3(outsideTurns),
          rounds: ROUNDS,
        },
      };
      return [figure, vsRunOnly, vsScript, engineOnly];
    } finally {
      for (const name of RUNNERS) {
        runners[name].close?.();
        await runners[name].world.close();
      }
    }
  },
};

/** `phase ms` for each phase that has the part, mean per run. */
function costsLine(costs: PhaseCosts, part: PhasePart): string {
  return [...costs]
    .filter(([, parts]) => parts[part].ms > 0)
    .map(([phase, parts]) => `${phase} ${Math.round(parts[part].ms / ROUNDS)}`)
    .join(", ");
}

function roundCounts(counts: Counts): Counts {
  return Object.fromEntries(
    Object.entries(counts).map(([key, value]) => [key, round3(value)]),
  ) as unknown as Counts;
}
