import { spawn } from "node:child_process";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { nodeFileSystem, nodeProcessSpawner, systemClock } from "../../ports/index.js";
import { tempDir } from "../../testing/index.js";
import { createImplementRunner } from "./implement-runner.js";
import { nodeProcessGroups } from "./process-groups.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup() {
  const temp = await tempDir("wfm-implement-");
  cleanups.push(temp.cleanup);
  const runner = createImplementRunner({
    spawner: nodeProcessSpawner,
    fs: nodeFileSystem,
    clock: systemClock,
    groups: nodeProcessGroups,
    dir: temp.dir,
    stateDir: temp.root,
    runId: "r1",
  });
  return { temp, runner };
}

/** A detached group, as a killed process's implement command is left: it outlives its parent. */
async function leftover(env: Record<string, string>, pidFile: string | undefined): Promise<number> {
  const script =
    pidFile === undefined
      ? "exec sleep 30"
      : `printf '%s %s\\n' "$$" "$WORKFLOWMASTER_IMPLEMENT_ID" > '${pidFile}'; exec sleep 30`;
  const child = spawn("sh", ["-c", script], {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, ...env },
  });
  child.unref();
  const pid = child.pid ?? 0;
  cleanups.push(async () => {
    if (await nodeProcessGroups.isAlive(pid)) nodeProcessGroups.kill(pid, "SIGKILL");
  });
  if (pidFile !== undefined) {
    for (let tries = 0; tries < 200; tries += 1) {
      const text = await readFile(pidFile, "utf8").catch(() => "");
      if (text.endsWith("\n")) break;
      await systemClock.sleep(10);
    }
  }
  return pid;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe("stopLeftovers", () => {
  it("stops the command group a killed process left running, and forgets its record", async () => {
    const { runner } = await setup();
    await mkdir(join(runner.pidFile, ".."), { recursive: true });
    const pid = await leftover({ WORKFLOWMASTER_IMPLEMENT_ID: "r1:1" }, runner.pidFile);
    expect(await nodeProcessGroups.isAlive(pid)).toBe(true);
    expect(await runner.stopLeftovers()).toBe(
      `stopped the implement command an earlier process left running (process group ${pid}, attempt 1)`,
    );
    expect(await nodeProcessGroups.isAlive(pid)).toBe(false);
    expect(await exists(runner.pidFile)).toBe(false);
  });

  it("leaves alone a process whose pid now belongs to someone else", async () => {
    const { runner } = await setup();
    const stranger = await leftover({}, undefined);
    await mkdir(join(runner.pidFile, ".."), { recursive: true });
    await writeFile(runner.pidFile, `${stranger} r1:1\n`);
    expect(await runner.stopLeftovers()).toBeUndefined();
    expect(await nodeProcessGroups.isAlive(stranger)).toBe(true);
    expect(await exists(runner.pidFile)).toBe(false);
  });

  it("reads a torn record as naming no process", async () => {
    const { runner } = await setup();
    await mkdir(join(runner.pidFile, ".."), { recursive: true });
    await writeFile(runner.pidFile, "123");
    expect(await runner.stopLeftovers()).toBeUndefined();
    expect(await exists(runner.pidFile)).toBe(false);
  });

  it("waits for this process's own aborted command to end", async () => {
    const { temp, runner } = await setup();
    const controller = new AbortController();
    const running = runner.run({
      command: `trap '' TERM; printf started > '${join(temp.dir, "started")}'; sleep 1; printf late > '${join(temp.dir, "late")}'`,
      attempt: 1,
      env: {},
      signal: controller.signal,
      onOutput: () => undefined,
      killGraceMs: 300,
    });
    for (let tries = 0; tries < 300 && !(await exists(join(temp.dir, "started"))); tries += 1) {
      await systemClock.sleep(10);
    }
    controller.abort(new Error("timed out"));
    // SIGTERM is ignored; SIGKILL after the grace ends it before it writes.
    await runner.stopLeftovers();
    const result = await running;
    expect(result.signal).toBe("SIGKILL");
    expect(await exists(join(temp.dir, "late"))).toBe(false);
    expect(await exists(runner.pidFile)).toBe(false);
  });
});

describe("run", () => {
  it("runs the command with sh -c in the working tree, passing text only through the environment", async () => {
    const { temp, runner } = await setup();
    const output: string[] = [];
    const result = await runner.run({
      command: 'printf "%s|%s" "$WORKFLOWMASTER_TITLE" "$(pwd)"',
      attempt: 1,
      env: { WORKFLOWMASTER_TITLE: "$(rm -rf /) `id`" },
      signal: new AbortController().signal,
      onOutput: (chunk) => output.push(chunk),
      killGraceMs: 300,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`$(rm -rf /) \`id\`|${temp.dir}`);
    expect(output.join("")).toBe(result.stdout);
    expect(await exists(runner.pidFile)).toBe(false);
  });
});
