import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { KILL_SIGNALS } from "./kill-signal.js";
import { type ChildHandle, runChild } from "./run-child.js";

const WAIT_CHILD = fileURLToPath(new URL("./fixtures/wait-child.mjs", import.meta.url));

/** Resolves once the child has written `line` (the child is known to be running). */
async function untilLine(handle: ChildHandle, line: string): Promise<void> {
  for (let tries = 0; tries < 1000; tries += 1) {
    if (handle.stdout.includes(line)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`The child never wrote "${line}"; it wrote: ${JSON.stringify(handle.stdout)}`);
}

/** Whether `pid` is still running (a zombie waiting for its reaper counts as dead). */
async function isRunning(pid: number): Promise<boolean> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}

/** Whether `pid` stops running within a few seconds (a signal is delivered asynchronously). */
async function dies(pid: number): Promise<boolean> {
  for (let tries = 0; tries < 300; tries += 1) {
    if (!(await isRunning(pid))) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

const node = (script: string, env?: Record<string, string | undefined>) =>
  runChild({ command: process.execPath, args: ["-e", script], ...(env ? { env } : {}) });

describe("runChild: output and exit status", () => {
  it("collects stdout and stderr as lines, with the exit code", async () => {
    const handle = await node(
      'process.stdout.write("one\\ntwo\\nthree"); process.stderr.write("warned\\n"); process.exitCode = 3;',
    );
    expect(await handle.exited).toEqual({
      code: 3,
      signal: null,
      stdout: ["one", "two", "three"],
      stderr: ["warned"],
      limits: [],
    });
    expect(handle.stdout).toEqual(["one", "two", "three"]);
    expect(handle.pid).toBeGreaterThan(0);
    // Its process group is gone with it: nothing is left to signal.
    expect(handle.kill()).toBe(false);
  });

  it("merges env over this process's environment and removes undefined variables", async () => {
    process.env.WFM_CHAOS_TEST_INHERITED = "inherited";
    process.env.WFM_CHAOS_TEST_REMOVED = "present";
    try {
      const handle = await node(
        "console.log([process.env.WFM_CHAOS_TEST_INHERITED, process.env.WFM_CHAOS_TEST_ADDED, String(process.env.WFM_CHAOS_TEST_REMOVED)].join(' '))",
        { WFM_CHAOS_TEST_ADDED: "added", WFM_CHAOS_TEST_REMOVED: undefined },
      );
      expect((await handle.exited).stdout).toEqual(["inherited added undefined"]);
    } finally {
      delete process.env.WFM_CHAOS_TEST_INHERITED;
      delete process.env.WFM_CHAOS_TEST_REMOVED;
    }
  });

  it("rejects with the spawn error when the program does not exist", async () => {
    await expect(runChild({ command: "/nonexistent/program" })).rejects.toMatchObject({
      code: "ENOENT",
      syscall: "spawn /nonexistent/program",
    });
  });
});

describe("runChild: kill at a time", () => {
  it.each(KILL_SIGNALS)(
    "kills the child with %s after the delay and journals it",
    async (signal) => {
      const journal = createFaultJournal(createVirtualClock());
      const handle = await runChild({
        command: process.execPath,
        args: [WAIT_CHILD],
        killAt: { afterMs: 100, signal },
        journal,
        label: "waiter",
      });
      const exit = await handle.exited;
      expect([exit.code, exit.signal]).toEqual([null, signal]);
      expect(exit.kill).toEqual({ by: "time", afterMs: 100, signal, sent: true });
      expect(journal.entries()).toEqual([
        {
          seq: 1,
          at: "2026-01-01T00:00:00.000Z",
          layer: "process",
          fault: signal,
          target: "waiter",
          outcome: "sent",
          detail: { afterMs: 100, pid: handle.pid },
        },
      ]);
    },
  );

  it("sends nothing, and says so, when the child exits first", async () => {
    const journal = createFaultJournal(createVirtualClock());
    const handle = await runChild({
      command: process.execPath,
      args: ["-e", ""],
      killAt: { afterMs: 600_000 },
      journal,
      label: "quick",
    });
    const exit = await handle.exited;
    expect([exit.code, exit.signal]).toEqual([0, null]);
    expect(exit.kill).toEqual({ by: "time", afterMs: 600_000, signal: "SIGKILL", sent: false });
    expect(journal.entries().map((entry) => [entry.fault, entry.outcome, entry.detail])).toEqual([
      ["SIGKILL", "not-sent", { afterMs: 600_000, reason: "the child had already exited" }],
    ]);
  });
});

describe("runChild: kill()", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "delivers %s to the child's own handler, which may exit cleanly",
    async (signal) => {
      const handle = await runChild({ command: process.execPath, args: [WAIT_CHILD, "handle"] });
      await untilLine(handle, "ready");
      expect(handle.kill(signal)).toBe(true);
      const exit = await handle.exited;
      expect([exit.code, exit.signal]).toEqual([0, null]);
      expect(exit.stdout).toEqual(["ready", `graceful ${signal}`]);
    },
  );

  it("signals the whole process group, so what the child started dies too", async () => {
    const handle = await runChild({
      command: process.execPath,
      args: [WAIT_CHILD, "spawn-sleeper"],
    });
    await untilLine(handle, "ready");
    const sleeper = Number(handle.stdout[0]?.slice("sleeper ".length));
    expect(await isRunning(sleeper)).toBe(true);
    expect(handle.kill("SIGTERM")).toBe(true);
    const exit = await handle.exited;
    expect(exit.signal).toBe("SIGTERM");
    expect(await dies(sleeper)).toBe(true);
  });

  it("kills what the child left running in its group once it exits", async () => {
    const handle = await runChild({
      command: process.execPath,
      args: [WAIT_CHILD, "spawn-sleeper", "exit"],
    });
    const exit = await handle.exited;
    expect([exit.code, exit.signal]).toEqual([0, null]);
    const sleeper = Number(exit.stdout[0]?.slice("sleeper ".length));
    expect(sleeper).toBeGreaterThan(0);
    expect(await dies(sleeper)).toBe(true);
  });
});

describe("runChild: validation", () => {
  it("refuses bad options, naming each field", async () => {
    await expect(
      runChild({
        command: "",
        killAt: { afterMs: -1 },
        limits: { openFiles: 0 },
      }),
    ).rejects.toThrow(
      new TypeError(
        "Invalid runChild options: command: must be a program to run; limits.openFiles: must be a whole number of descriptors above 0; killAt.afterMs: must be a whole number of ms >= 0. Please fix the fields named.",
      ),
    );
  });

  it("refuses an unknown signal and a misspelt field", async () => {
    await expect(
      runChild({ command: "true", killAt: { point: "a", signal: "SIGHUP" as never } }),
    ).rejects.toThrow("killAt: must be { afterMs, signal? } or { point, nth?, signal? }");
    await expect(runChild({ command: "true", limts: {} } as never)).rejects.toThrow(
      new TypeError(
        "Invalid runChild options: limts: is not a known field. Please fix the fields named.",
      ),
    );
  });
});
