import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEngine, defineWorkflow, type Phase } from "../engine/index.js";
import { err } from "../errors/result.js";
import type { WorkflowEvent } from "../monitor/index.js";
import { type Clock, nodePorts } from "../ports/index.js";
import { stateRoot } from "../state/index.js";
import { tempDir } from "../testing/index.js";
import type { CliIo } from "./cli-io.js";
import { memoryIo } from "./fixtures/memory-io.js";
import { runCli } from "./run-cli.js";
import { redrawPrefix } from "./status-watch.js";

type Input = { title: string };

const dirs: Awaited<ReturnType<typeof tempDir>>[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => dir.cleanup()));
});

/** A released-by-the-test gate. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/**
 * The watcher's clock: each `sleep` waits for the test's `step()`, which
 * resolves when the watcher has polled again and gone back to sleep (or
 * ended). `now` stands still, so the view does not depend on wall time.
 */
function steppedClock(now: number) {
  let wake: (() => void) | undefined;
  let asleep: () => void = () => undefined;
  let nextSleep = new Promise<void>((resolve) => {
    asleep = resolve;
  });
  const clock: Clock = {
    now: () => now,
    sleep: (_ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        wake = resolve;
        asleep();
      }),
  };
  return {
    clock,
    /** Resolves once the watcher has drawn and is waiting. */
    asleep: () => nextSleep,
    /** Wakes the watcher; resolves once it has drawn again and sleeps (or `ended` settles). */
    async step(ended: Promise<unknown>) {
      nextSleep = new Promise<void>((resolve) => {
        asleep = resolve;
      });
      const current = wake;
      wake = undefined;
      current?.();
      await Promise.race([nextSleep, ended]);
    },
  };
}

/**
 * A repository with a run in progress: three phases, each held until the
 * test opens its gate; `publish` fails its first attempt with a reset
 * connection and is retried at once. The engine runs on the real ports and
 * writes the run's state and events.ndjson as a real run does.
 */
async function progressingRun() {
  const tmp = await tempDir("wfm-watch-");
  dirs.push(tmp);
  const repoDir = dirname(tmp.root);
  await mkdir(join(repoDir, ".git"));
  const gates = { prepare: gate(), publish: gate(), finish: gate() };
  const seen: WorkflowEvent[] = [];
  const waiters: Array<{ match: (event: WorkflowEvent) => boolean; resolve: () => void }> = [];
  const engine = createEngine({
    ports: nodePorts(),
    root: stateRoot(repoDir),
    sinks: [
      {
        emit(event) {
          seen.push(event);
          for (const waiter of waiters.filter((w) => w.match(event))) waiter.resolve();
        },
      },
    ],
  });
  let publishAttempts = 0;
  const phase = (name: keyof typeof gates, extra: Partial<Phase<Input, string>> = {}) => ({
    name,
    sideEffect: false,
    async run() {
      await gates[name].opened;
      return name;
    },
    ...extra,
  });
  const workflow = defineWorkflow<Input>({
    name: "watched",
    phases: [
      phase("prepare"),
      phase("publish", {
        retry: { baseDelayMs: 0, maxDelayMs: 0 },
        async run() {
          publishAttempts += 1;
          if (publishAttempts === 1) {
            throw Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
          }
          await gates.publish.opened;
          return "publish";
        },
      }),
      phase("finish"),
    ],
  });
  const until = (match: (event: WorkflowEvent) => boolean) =>
    seen.some(match)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ match, resolve }));
  const started = (phaseName: string, attempt = 1) =>
    until((e) => e.type === "phase.started" && e.phase === phaseName && e.attempt === attempt);
  const outcome = engine.start(workflow, { runId: "r1", input: { title: "Add greeting" } });
  await started("prepare");
  return { repoDir, gates, started, outcome, seen };
}

function watcher(repoDir: string, options: { tty?: boolean; io?: Partial<CliIo> } = {}) {
  const stepped = steppedClock(Date.UTC(2026, 0, 1));
  const base = memoryIo({ cwd: repoDir, ports: { clock: stepped.clock } });
  let stdout = "";
  const io: CliIo = {
    ...base,
    stdout: {
      write: (text) => {
        stdout += text;
      },
      isTTY: options.tty === true,
      columns: 60,
    },
    ...options.io,
  };
  const exit = runCli(["status", "r1", "--watch", "--interval", "250", "--cwd", repoDir], io);
  return { stepped, exit, out: () => stdout, err: () => base.err() };
}

describe("watching a run that progresses", () => {
  it("appends one line per change when not a terminal, and exits 0 when the run completes", async () => {
    const run = await progressingRun();
    const watch = watcher(run.repoDir);
    await watch.stepped.asleep();
    const seen: string[] = [];
    const newLines = () => {
      const lines = watch.out().split("\n").slice(0, -1);
      const fresh = lines.slice(seen.length);
      seen.push(...fresh);
      return fresh;
    };
    expect(newLines()).toEqual([
      "Run r1: running — Add greeting",
      "prepare       running (attempt 1)",
      "publish       pending",
      "finish        pending",
    ]);

    run.gates.prepare.open();
    await run.started("publish", 2);
    await watch.stepped.step(watch.exit);
    expect(newLines()).toEqual([
      "prepare       completed (1 attempt)",
      "publish       running (attempt 2)",
      "Last error:   WFM-NET-RESET: The connection was dropped: read ECONNRESET",
      "What to do:   The connection was dropped before the answer arrived (read ECONNRESET). If it keeps happening, check the network or proxy, then resume run r1.",
      "Next:         workflowmaster resume r1",
    ]);

    // Nothing changed: nothing is appended.
    await watch.stepped.step(watch.exit);
    expect(newLines()).toEqual([]);

    run.gates.publish.open();
    await run.started("finish");
    run.gates.finish.open();
    expect((await run.outcome).state).toBe("completed");
    await watch.stepped.step(watch.exit);
    expect(newLines()).toEqual([
      "Run r1: completed — Add greeting",
      "publish       completed (2 attempts)",
      "finish        completed (1 attempt)",
    ]);
    expect(await watch.exit).toBe(0);
    expect(watch.err()).toBe("");
  });

  it("redraws in place on a terminal, clearing only the lines it drew", async () => {
    const run = await progressingRun();
    const watch = watcher(run.repoDir, { tty: true });
    await watch.stepped.asleep();
    const first = [
      "Run r1: running — Add greeting",
      "  prepare       running (attempt 1)",
      "  publish       pending",
      "  finish        pending",
    ];
    expect(watch.out()).toBe(`${first.join("\n")}\n`);

    // An unchanged view is not redrawn.
    await watch.stepped.step(watch.exit);
    expect(watch.out()).toBe(`${first.join("\n")}\n`);

    run.gates.prepare.open();
    run.gates.publish.open();
    run.gates.finish.open();
    expect((await run.outcome).state).toBe("completed");
    await watch.stepped.step(watch.exit);
    expect(await watch.exit).toBe(0);
    const last = [
      "Run r1: completed — Add greeting",
      "  prepare       completed (1 attempt)",
      "  publish       completed (2 attempts)",
      "  finish        completed (1 attempt)",
    ];
    expect(watch.out()).toBe(`${first.join("\n")}\n${redrawPrefix(4)}${last.join("\n")}\n`);
    expect(redrawPrefix(4)).toBe("\u001b[4F\u001b[0J");
  });

  it("exits 130 on SIGINT, leaving the run alone", async () => {
    const run = await progressingRun();
    let interrupt: ((signal: NodeJS.Signals) => void) | undefined;
    const watch = watcher(run.repoDir, {
      io: {
        onInterrupt: (handler) => {
          interrupt = handler;
          return () => {
            interrupt = undefined;
          };
        },
      },
    });
    await watch.stepped.asleep();
    interrupt?.("SIGINT");
    expect(await watch.exit).toBe(130);
    expect(interrupt).toBeUndefined();
    run.gates.prepare.open();
    run.gates.publish.open();
    run.gates.finish.open();
    expect((await run.outcome).state).toBe("completed");
  });
});

describe("watching a run that has already ended", () => {
  it.each([
    ["failed", 1],
    ["paused", 3],
    ["completed", 0],
  ] as const)("prints the %s run once and exits %i", async (state, code) => {
    const tmp = await tempDir("wfm-watch-ended-");
    dirs.push(tmp);
    const repoDir = dirname(tmp.root);
    await mkdir(join(repoDir, ".git"));
    const engine = createEngine({ ports: nodePorts(), root: stateRoot(repoDir) });
    const outcome = await engine.start(
      defineWorkflow<Input>({
        name: "ended",
        phases: [
          {
            name: "only",
            sideEffect: false,
            async run() {
              if (state === "failed") throw new TypeError("a bug in the phase");
              return "value";
            },
            ...(state === "paused"
              ? { postcondition: async () => err("the effect could not be observed") }
              : {}),
          },
        ],
      }),
      { runId: "r1", input: { title: "Add greeting" } },
    );
    expect(outcome.state).toBe(state);
    const watch = watcher(repoDir);
    expect(await watch.exit).toBe(code);
    expect(watch.out().split("\n")[0]).toBe(`Run r1: ${state} — Add greeting`);
  });
});
