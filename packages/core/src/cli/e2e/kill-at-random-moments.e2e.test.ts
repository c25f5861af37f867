import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../ports/index.js";
import { type CliResult, createE2eWorld, type E2eWorld } from "./fixtures/e2e-world.js";
import { branchOf, runArgs } from "./fixtures/kill-and-resume.js";
import { implementFacts, verifyRun } from "./fixtures/verify-run.js";

/**
 * SIGKILL at seeded random moments: each run's first process and then its
 * resumes are killed after a random delay (up to three kills a run), until
 * a resume is left to finish. The kills land wherever the delay falls —
 * inside the implement command, a git push, a GitHub request, a journal
 * write, a recovery. Delays are drawn within a measured clean run's
 * duration, so they land inside runs on a fast machine and a slow one;
 * runs are started until at least 50 processes were killed. Every run must
 * complete with exactly one issue, one pull request and the change applied
 * once. Replay: SEED below (run i draws from seed SEED + i).
 */
const SEED = 20_260_101;
const WORKERS = 3;
const KILLS_WANTED = 50;
const KILLS_PER_RUN = 3;
const MAX_RUNS = 40;

let worlds: E2eWorld[] = [];
beforeAll(async () => {
  worlds = await Promise.all(
    Array.from({ length: WORKERS }, () => createE2eWorld("wfm-kill-random-")),
  );
}, 60_000);
afterAll(async () => {
  await Promise.all(worlds.map((world) => world.close()));
});

describe("SIGKILL at seeded random moments, then resume", () => {
  it("completes every run with exactly one issue, one pull request and the change applied once", async () => {
    const [first] = worlds;
    if (first === undefined) throw new Error("no world");
    const began = Date.now();
    const clean = await first.cli(runArgs("clean"), { cwd: await first.clone("clean") });
    expect(clean.code, clean.stderr).toBe(0);
    const runMs = Date.now() - began;

    let killed = 0;
    let started = 0;
    const killRun = async (world: E2eWorld, index: number) => {
      const random = seededRandom(SEED + index);
      const runId = `m${index}`;
      // The first process lives a whole run; a resume has less to do.
      const delays = Array.from({ length: KILLS_PER_RUN }, (_, kill) =>
        Math.round(runMs * (0.15 + random.next() * (kill === 0 ? 0.8 : 0.5))),
      );
      const dir = await world.clone(runId);
      let transcript = "";
      let runKills = 0;
      // After a kill the run is resumed; a run killed before it recorded its start is started again.
      let mode: "run" | "resume" = "run";
      let final: CliResult | undefined;
      const step = async (delay: number | undefined) => {
        const args = mode === "run" ? runArgs(runId) : ["resume", runId, "--json"];
        const { child, done } = world.spawnCli(args, { cwd: dir });
        const timer =
          delay === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), delay);
        const result = await done;
        clearTimeout(timer);
        transcript += `--- ${args[0]}${delay === undefined ? "" : ` (kill after ${delay} ms)`}: code ${result.code} signal ${result.signal}\n${result.stdout}${result.stderr}`;
        if (result.signal === "SIGKILL") {
          runKills += 1;
          killed += 1;
          mode = "resume";
        } else if (
          result.code === 2 &&
          /WFM-RUN-NOT-FOUND|WFM-RUN-NOT-STARTED/.test(result.stderr)
        ) {
          mode = "run";
        }
        return result;
      };
      for (const delay of delays) {
        final = await step(delay);
        if (final.code === 0) break;
      }
      for (let tries = 0; final?.code !== 0 && tries < 3; tries += 1) final = await step(undefined);
      const evidence = await verifyRun(world, runId, branchOf(runId));
      const implement = await implementFacts(dir, runId);
      return { runId, kills: runKills, code: final?.code, evidence, implement, transcript };
    };
    const outcomes: Awaited<ReturnType<typeof killRun>>[] = [];
    await Promise.all(
      worlds.map(async (world) => {
        while (killed < KILLS_WANTED && started < MAX_RUNS) {
          const index = started;
          started += 1;
          outcomes.push(await killRun(world, index));
        }
      }),
    );
    const runs = outcomes.length;

    const kills = outcomes.reduce((sum, entry) => sum + entry.kills, 0);
    const completed = outcomes.filter((entry) => entry.code === 0).length;
    const duplicates = outcomes.reduce(
      (sum, entry) =>
        sum +
        Math.max(0, entry.evidence.issues - 1) +
        Math.max(0, entry.evidence.pulls - 1) +
        Math.max(0, entry.evidence.changeLines - 1),
      0,
    );
    const interrupted = outcomes.filter((entry) => entry.implement.attempts > 1).length;
    const stopped = outcomes.filter((entry) => entry.implement.stoppedLeftover).length;
    const kept = outcomes.reduce((sum, entry) => sum + entry.implement.savedAttempts, 0);
    console.log(
      `kill at random moments (seed ${SEED}, delays within a ${runMs} ms run): ${runs} runs, ${kills} kills, ${completed} completions, ${duplicates} duplicates; ` +
        `implement interrupted in ${interrupted} runs, ${stopped} leftover commands stopped, ${kept} partial attempts kept`,
    );
    for (const entry of outcomes) {
      expect(
        { run: entry.runId, code: entry.code, problems: entry.evidence.problems },
        entry.transcript,
      ).toEqual({
        run: entry.runId,
        code: 0,
        problems: [],
      });
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS_WANTED);
    expect(completed).toBe(runs);
    expect(duplicates).toBe(0);
  }, 240_000);
});
