import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { ChaosEnv } from "./chaos-env.js";
import { faultPointsFromEnv } from "./fault-points-from-env.js";
import { KILL_SIGNALS } from "./kill-signal.js";
import { pointKillEnv } from "./point-kill-env.js";
import { runChild } from "./run-child.js";

const CHILD = fileURLToPath(new URL("./fixtures/point-child.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));

const pointChild = (options: Omit<Parameters<typeof runChild>[0], "command">) =>
  runChild({
    command: process.execPath,
    args: ["--import", "tsx", "--conditions=@workflowmaster/source", CHILD],
    cwd: PACKAGE_DIR,
    ...options,
  });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-chaos-env-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("faultPointsFromEnv: without a kill", () => {
  it("never fires and counts every hit", async () => {
    const faultPoints = faultPointsFromEnv({ PATH: "/usr/bin" });
    for (const point of ["a", "b", "a"]) await faultPoints.hit(point);
    expect(faultPoints.killAt).toBe(undefined);
    expect(faultPoints.hits()).toEqual({ a: 2, b: 1 });
  });
});

describe("faultPointsFromEnv: reading the environment", () => {
  it("reads <point>@<n>, the signal and the seed, and opens the journal at once", async () => {
    const journal = join(dir, "kill.ndjson");
    const faultPoints = faultPointsFromEnv({
      [ChaosEnv.KillAt]: "state.journal.synced@3",
      [ChaosEnv.KillSignal]: "SIGTERM",
      [ChaosEnv.KillJournal]: journal,
      [ChaosEnv.Seed]: "42",
    });
    expect(faultPoints.killAt).toEqual({
      point: "state.journal.synced",
      nth: 3,
      signal: "SIGTERM",
    });
    expect(await readFile(journal, "utf8")).toBe("");
    // The first two hits pass.
    await faultPoints.hit("state.journal.synced");
    await faultPoints.hit("state.journal.synced");
    expect(faultPoints.hits()).toEqual({ "state.journal.synced": 2 });
  });

  it("takes a point without @<n> as its first hit, killed by SIGKILL", () => {
    const faultPoints = faultPointsFromEnv({
      [ChaosEnv.KillAt]: "git.push.completed",
      [ChaosEnv.KillJournal]: join(dir, "kill.ndjson"),
    });
    expect(faultPoints.killAt).toEqual({ point: "git.push.completed", nth: 1, signal: "SIGKILL" });
  });

  it("refuses a malformed kill, naming the variable", () => {
    expect(() =>
      faultPointsFromEnv({
        [ChaosEnv.KillAt]: "state.journal.synced@0",
        [ChaosEnv.KillSignal]: "SIGHUP",
        [ChaosEnv.KillJournal]: join(dir, "kill.ndjson"),
      }),
    ).toThrow(
      new TypeError(
        "Invalid chaos environment: WORKFLOWMASTER_CHAOS_KILL_AT: must be <point>@<n>, such as state.journal.synced@2; WORKFLOWMASTER_CHAOS_KILL_SIGNAL: must be one of SIGKILL, SIGTERM, SIGINT. Please fix the fields named.",
      ),
    );
  });

  it("refuses a kill without a journal to report it in", () => {
    expect(() => faultPointsFromEnv({ [ChaosEnv.KillAt]: "a@1" })).toThrow(
      new TypeError(
        "Invalid chaos environment: WORKFLOWMASTER_CHAOS_KILL_JOURNAL: must name a file when WORKFLOWMASTER_CHAOS_KILL_AT is set, so the kill can be checked. Please fix the fields named.",
      ),
    );
  });
});

describe("pointKillEnv", () => {
  it("writes the variables faultPointsFromEnv reads", () => {
    expect(
      pointKillEnv({ point: "state.lock.acquired", nth: 2, signal: "SIGINT", journal: "/tmp/k" }),
    ).toEqual({
      WORKFLOWMASTER_CHAOS_KILL_AT: "state.lock.acquired@2",
      WORKFLOWMASTER_CHAOS_KILL_SIGNAL: "SIGINT",
      WORKFLOWMASTER_CHAOS_KILL_JOURNAL: "/tmp/k",
      WORKFLOWMASTER_CHAOS_SEED: "0",
    });
  });

  it("refuses a point with '@' and a bad nth, naming the fields", () => {
    expect(() => pointKillEnv({ point: "a@b", nth: 1.5, journal: "/tmp/k" })).toThrow(
      new TypeError(
        "Invalid point kill: point: must be a fault point name without '@' or spaces; nth: Invalid input: expected int, received number. Please fix the fields named.",
      ),
    );
  });
});

describe("faultPointsFromEnv in a child run by runChild", () => {
  it.each(KILL_SIGNALS)(
    "dies by %s at exactly the n-th hit, after journaling the point",
    async (signal) => {
      const journal = createFaultJournal(createVirtualClock());
      const handle = await pointChild({ killAt: { point: "a.first", nth: 2, signal }, journal });
      const exit = await handle.exited;
      expect([exit.code, exit.signal]).toEqual([null, signal]);
      expect(exit.stdout).toEqual(["passed a.first", "passed b.second"]);
      expect(exit.stderr).toEqual([]);
      expect(exit.kill).toEqual({
        by: "point",
        point: "a.first",
        nth: 2,
        signal,
        reached: {
          pid: handle.pid,
          signal,
          point: "a.first",
          hit: 2,
          phase: "p3",
          runId: "r-env",
        },
      });
      expect(journal.entries().map((entry) => [entry.fault, entry.target, entry.outcome])).toEqual([
        [signal, "a.first", "killed"],
      ]);
      expect(journal.entries()[0]?.detail).toEqual({
        nth: 2,
        hit: 2,
        pid: handle.pid,
        exitCode: null,
        exitSignal: signal,
      });
    },
  );

  it.each(["SIGTERM", "SIGINT"] as const)(
    "dies by %s at the point even when the program handles that signal",
    async (signal) => {
      const handle = await runChild({
        command: process.execPath,
        args: ["--import", "tsx", "--conditions=@workflowmaster/source", CHILD, "handle"],
        cwd: PACKAGE_DIR,
        killAt: { point: "c.third", signal },
      });
      const exit = await handle.exited;
      expect([exit.code, exit.signal]).toEqual([null, signal]);
      expect(exit.stdout).toEqual(["passed a.first", "passed b.second", "passed a.first"]);
    },
  );

  it("lets the child finish, and reports the point as not reached, when the n-th hit never comes", async () => {
    const journal = createFaultJournal(createVirtualClock());
    const handle = await pointChild({ killAt: { point: "b.second", nth: 2 }, journal });
    const exit = await handle.exited;
    expect([exit.code, exit.signal]).toEqual([0, null]);
    expect(exit.stdout.at(-1)).toBe('finished {"a.first":3,"b.second":1,"c.third":1}');
    expect(exit.kill).toEqual({
      by: "point",
      point: "b.second",
      nth: 2,
      signal: "SIGKILL",
      reached: undefined,
    });
    expect(journal.entries().map((entry) => [entry.target, entry.outcome, entry.detail])).toEqual([
      ["b.second", "not-reached", { nth: 2, exitCode: 0, exitSignal: null }],
    ]);
  });
});
