import { readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isWorkflowMasterError } from "../errors/workflow-master-error.js";
import { nodeFileSystem } from "../ports/file-system.js";
import { nodePorts } from "../ports/index.js";
import { createVirtualClock } from "../ports/virtual-clock.js";
import { bundleFixture } from "./fixtures/bundle-fixture.js";
import { type LineChild, spawnLineChild } from "./fixtures/child-process-lines.js";
import { fakeSpawner, makeTempDir, storeOptions } from "./fixtures/store-test-kit.js";
import { readJournal } from "./journal.js";
import { acquireRunLock, type RunLock, readRunLock } from "./run-lock.js";
import { runPaths } from "./run-paths.js";
import { createRunStore, openRunStore } from "./run-store.js";
import type { LockFile } from "./state-schema.js";

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir("wfm-lock-"));
});
afterEach(() => cleanup());

async function codeAndMessage(promise: Promise<unknown>): Promise<[string, string]> {
  try {
    await promise;
  } catch (error) {
    if (isWorkflowMasterError(error)) return [error.code, error.message];
    throw error;
  }
  return ["resolved", ""];
}

async function lockFile(dir: string): Promise<LockFile> {
  return JSON.parse(await readFile(join(dir, "lock.json"), "utf8")) as LockFile;
}

describe("acquireRunLock", () => {
  let clock = createVirtualClock();
  beforeEach(() => {
    clock = createVirtualClock();
  });
  const base = (dir: string, pid: number, alive: (pid: number) => boolean) => ({
    ...storeOptions(root, "r", { spawner: fakeSpawner(pid, alive), clock }),
    hostname: "host-a",
    dir,
    staleLockMs: 60_000,
    tornLockGraceMs: 500,
    minToken: 0,
  });

  it("creates lock.json with a token one above the highest seen", async () => {
    const lock = await acquireRunLock({ ...base(root, 10, () => true), minToken: 41 });
    expect(lock.token).toBe(42);
    expect(await lockFile(root)).toEqual({
      pid: 10,
      hostname: "host-a",
      startedAt: "2026-01-01T00:00:00.000Z",
      token: 42,
      owner: lock.holder.owner,
    });
    expect(lock.takeover).toBe(undefined);
  });

  it("refuses with WFM-RUN-LOCKED naming a live holder", async () => {
    await acquireRunLock(base(root, 10, () => true));
    expect(await codeAndMessage(acquireRunLock(base(root, 11, () => true)))).toEqual([
      "WFM-RUN-LOCKED",
      "Run r is locked by pid 10 on host-a, since 2026-01-01T00:00:00.000Z (token 1).",
    ]);
  });

  it("takes over a dead holder's lock with a higher token", async () => {
    const first = await acquireRunLock(base(root, 10, () => true));
    const second = await acquireRunLock(base(root, 11, (pid) => pid === 11));
    expect(second.token).toBe(2);
    expect(second.takeover).toEqual({
      reason: "dead",
      previous: { ...first.holder, owner: undefined },
      token: 2,
      detail:
        "took over the lock of dead pid 10 on host-a, since 2026-01-01T00:00:00.000Z (token 1 → 2)",
    });
    expect((await lockFile(root)).pid).toBe(11);
  });

  it("waits out another host's lock until it is older than the stale timeout", async () => {
    await acquireRunLock({ ...base(root, 10, () => true), hostname: "host-b" });
    clock.advance(59_999);
    const [code, message] = await codeAndMessage(acquireRunLock(base(root, 11, () => true)));
    expect(code).toBe("WFM-RUN-LOCKED");
    expect(message).toMatch(/It is on another host, so its liveness cannot be checked/);
    clock.advance(1);
    const taken = await acquireRunLock(base(root, 11, () => true));
    expect(taken.takeover?.reason).toBe("stale");
    expect(taken.token).toBe(2);
  });

  it("takes over an unreadable lock file that stays unchanged over the grace period", async () => {
    await writeFile(join(root, "lock.json"), "");
    const lock = await acquireRunLock({ ...base(root, 11, () => true), minToken: 5 });
    expect(lock.takeover).toEqual({
      reason: "unreadable",
      previous: undefined,
      token: 6,
      detail:
        "took over an unreadable lock file (the file is empty) unchanged for 500 ms (token 6)",
    });
  });

  it("fences a holder whose lock was taken over, and its release leaves the new lock", async () => {
    const first: RunLock = await acquireRunLock(base(root, 10, () => true));
    const second = await acquireRunLock(base(root, 11, (pid) => pid === 11));
    await second.assertHeld();
    expect(await codeAndMessage(first.assertHeld())).toEqual([
      "WFM-RUN-FENCED",
      `Run r is now held by pid 11 on host-a, since 2026-01-01T00:00:00.000Z (token 2); this process (token 1) must not write, so its write was refused.`,
    ]);
    expect(await first.release()).toBe(false);
    expect((await lockFile(root)).pid).toBe(11);
    expect(await second.release()).toBe(true);
    expect((await readRunLock(nodeFileSystem, root)).state).toBe("absent");
    const third = await acquireRunLock(base(root, 12, () => true));
    expect(third.token).toBe(3);
  });

  it("fences a holder that checked its lock before, even when the new lock has the same size", async () => {
    const first: RunLock = await acquireRunLock(base(root, 10, () => true));
    await first.assertHeld();
    await first.assertHeld();
    const before = await readFile(join(root, "lock.json"));
    // Same length, other holder, written over it in place: only the
    // content says the lock changed hands (the identity check must not hide it).
    const other = before.toString("utf8").replace('"pid":10', '"pid":77');
    expect(other.length).toBe(before.length);
    await writeFile(join(root, "lock.json"), other);
    expect((await codeAndMessage(first.assertHeld()))[0]).toBe("WFM-RUN-FENCED");
  });
});

describe("a second real process on the same run", () => {
  let outDir: string;
  let removeOut: () => Promise<void>;
  let script: string;
  const children: LineChild[] = [];
  beforeAll(async () => {
    ({ dir: outDir, cleanup: removeOut } = await makeTempDir("wfm-lock-bundle-"));
    script = await bundleFixture("lock-child.ts", outDir);
  });
  afterAll(async () => {
    for (const { child } of children) if (child.exitCode === null) child.kill("SIGKILL");
    await Promise.all(children.map((child) => child.exited));
    await removeOut();
  });
  const spawnChild = (args: string[], env: Record<string, string> = {}) => {
    const child = spawnLineChild(script, args, env);
    children.push(child);
    return child;
  };

  it("gets WFM-RUN-LOCKED whose message names the holder's pid", async () => {
    const store = await createRunStore({ ...nodePorts(), root, runId: "r1" });
    const holder = await lockFile(store.dir);
    const child = spawnChild(["try", root, "r1"]);
    expect(JSON.parse(await child.nextLine())).toEqual({
      ok: false,
      code: "WFM-RUN-LOCKED",
      message: `Run r1 is locked by pid ${process.pid} on ${hostname()}, since ${holder.startedAt} (token 1).`,
    });
    expect((await child.exited).code).toBe(0);
    await store.close();
  });

  it("takes over the lock of a SIGKILLed holder with a higher token", async () => {
    await (await createRunStore({ ...nodePorts(), root, runId: "r1" })).close();
    const child = spawnChild(["hold", root, "r1"]);
    expect(await child.nextLine()).toBe("held 2");
    expect((await lockFile(runPaths(root, "r1").dir)).pid).toBe(child.child.pid);
    child.child.kill("SIGKILL");
    expect((await child.exited).signal).toBe("SIGKILL");
    const { store, loaded } = await openRunStore({ ...nodePorts(), root, runId: "r1" });
    expect(store.fence).toBe(3);
    expect(loaded.recovery.lockTakeover?.reason).toBe("dead");
    expect(loaded.recovery.lockTakeover?.previous?.pid).toBe(child.child.pid);
    expect(loaded.recovery.lockTakeover?.token).toBe(3);
    expect(loaded.recovery.repaired).toBe(true);
    await store.close();
  });

  it("refuses the append of a writer whose fencing token is stale, keeping it out of the journal", async () => {
    await (await createRunStore({ ...nodePorts(), root, runId: "r1" })).close();
    // The child's lock claims another host, so this process may take it
    // over once stale (here: at once) while the child lives on.
    const child = spawnChild(["hold", root, "r1"], { WFM_TEST_HOSTNAME: "far-away-host" });
    expect(await child.nextLine()).toBe("held 2");
    child.child.stdin.write("append\n");
    expect(JSON.parse(await child.nextLine())).toEqual({ ok: true, seq: 1 });
    const { store, loaded } = await openRunStore({
      ...nodePorts(),
      root,
      runId: "r1",
      staleLockMs: 0,
    });
    expect(loaded.recovery.lockTakeover?.reason).toBe("stale");
    expect(store.fence).toBe(3);
    child.child.stdin.write("append\n");
    const refused = JSON.parse(await child.nextLine());
    expect(refused.code).toBe("WFM-RUN-FENCED");
    expect(refused.message).toMatch(
      new RegExp(
        `^Run r1 is now held by pid ${process.pid} on .+ \\(token 3\\); this process \\(token 2\\) must not write, so its write was refused\\.$`,
      ),
    );
    expect((await store.append("from-parent", {})).seq).toBe(2);
    await store.close();
    const journal = await readJournal(nodeFileSystem, runPaths(root, "r1").journal);
    expect(journal.records.map((record) => [record.seq, record.type, record.fence])).toEqual([
      [1, "from-child", 2],
      [2, "from-parent", 3],
    ]);
  });
});
