import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isWorkflowMasterError } from "../errors/workflow-master-error.js";
import { nodeFileSystem } from "../ports/file-system.js";
import { createVirtualClock } from "../ports/virtual-clock.js";
import { fakeSpawner, makeTempDir, storeOptions } from "./fixtures/store-test-kit.js";
import { readJournal } from "./journal.js";
import { runPaths } from "./run-paths.js";
import { createRunStore, listRuns, openRunStore, readRun } from "./run-store.js";

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir());
});
afterEach(() => cleanup());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isWorkflowMasterError(error) ? error.code : `not a WorkflowMasterError: ${error}`;
  }
  return "resolved";
}

describe("createRunStore", () => {
  it("creates the run directory, an empty journal and the lock, and appends from seq 1", async () => {
    const store = await createRunStore(storeOptions(root, "r1"));
    const paths = runPaths(root, "r1");
    expect(store.dir).toBe(paths.dir);
    expect(store.fence).toBe(1);
    expect((await readdir(paths.dir)).sort()).toEqual(["journal.ndjson", "lock.json", "snapshots"]);
    expect(await readFile(paths.journal, "utf8")).toBe("");
    const first = await store.append("intent", { phase: "issue" });
    expect(first).toEqual({
      seq: 1,
      at: "2026-01-01T00:00:00.000Z",
      fence: 1,
      type: "intent",
      data: { phase: "issue" },
      prevHash: "",
      sha256: first.sha256,
    });
    const second = await store.append("result", { number: 7 });
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.sha256);
    await store.close();
    expect((await readdir(paths.dir)).sort()).toEqual([
      "journal.ndjson",
      "lock.released.json",
      "snapshots",
    ]);
  });

  it("fails with WFM-RUN-EXISTS when the run already has a journal", async () => {
    const store = await createRunStore(storeOptions(root, "r1"));
    await store.close();
    expect(await codeOf(createRunStore(storeOptions(root, "r1")))).toBe("WFM-RUN-EXISTS");
  });

  it("refuses a hostile run id with WFM-RUN-ID-INVALID before touching the disk", async () => {
    for (const runId of ["../escape", "a/b", "", ".hidden", "a..b", "x".repeat(65), "a\nb"]) {
      expect(await codeOf(createRunStore(storeOptions(root, runId)))).toBe("WFM-RUN-ID-INVALID");
    }
    expect(await readdir(root)).toEqual([]);
  });

  it("refuses a bad option with a TypeError naming the field", async () => {
    await expect(createRunStore(storeOptions(root, "r1", { keepSnapshots: 0 }))).rejects.toThrow(
      /^Invalid run store options: keepSnapshots: /,
    );
  });
});

describe("openRunStore", () => {
  it("loads the newest snapshot and the records after it", async () => {
    const store = await createRunStore<{ n: number }>(storeOptions(root, "r1"));
    await store.append("a", 1);
    await store.append("a", 2);
    await store.snapshot({ n: 2 });
    await store.append("a", 3);
    await store.close();
    const { store: again, loaded } = await openRunStore<{ n: number }>(storeOptions(root, "r1"));
    expect(loaded.snapshot).toEqual({ seq: 2, state: { n: 2 } });
    expect(loaded.records.map((record) => [record.seq, record.data])).toEqual([[3, 3]]);
    expect(loaded.recovery).toEqual({
      droppedBytes: 0,
      snapshotsRejected: [],
      tempFilesRemoved: [],
      repaired: false,
    });
    expect(again.fence).toBe(2);
    expect((await again.append("a", 4)).seq).toBe(4);
    await again.close();
  });

  it("fails with WFM-RUN-NOT-FOUND for a run that does not exist", async () => {
    expect(await codeOf(openRunStore(storeOptions(root, "nope")))).toBe("WFM-RUN-NOT-FOUND");
  });

  it("fails with WFM-RUN-LOCKED while another live holder has the run", async () => {
    const store = await createRunStore(storeOptions(root, "r1"));
    const other = storeOptions(root, "r1", { spawner: fakeSpawner(5151, () => true) });
    expect(await codeOf(openRunStore(other))).toBe("WFM-RUN-LOCKED");
    await store.close();
    const { store: reopened } = await openRunStore(other);
    await reopened.close();
  });
});

describe("RunStore writes", () => {
  it("gives concurrent appends consecutive seqs in call order", async () => {
    const store = await createRunStore(storeOptions(root, "r1"));
    const records = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.append("item", { i })),
    );
    expect(records.map((record) => [record.seq, (record.data as { i: number }).i])).toEqual(
      Array.from({ length: 20 }, (_, i) => [i + 1, i]),
    );
    await store.close();
    const scan = await readJournal(nodeFileSystem, runPaths(root, "r1").journal);
    expect(scan.records.length).toBe(20);
    expect(scan.break).toBe(undefined);
  });

  it("returns data as stored: canonical JSON, undefined members dropped", async () => {
    const store = await createRunStore(storeOptions(root, "r1"));
    const record = await store.append("x", { b: 1, a: undefined, c: [undefined] });
    expect(record.data).toEqual({ b: 1, c: [null] });
    await store.close();
  });

  it("refuses data JSON cannot hold with a TypeError and writes nothing", async () => {
    const store = await createRunStore(storeOptions(root, "r1"));
    await expect(store.append("x", { n: Number.NaN })).rejects.toThrow(TypeError);
    await expect(store.append("store.mine", {})).rejects.toThrow(TypeError);
    expect(await readFile(runPaths(root, "r1").journal, "utf8")).toBe("");
    expect((await store.append("x", 1)).seq).toBe(1);
    await store.close();
  });

  it("keeps the newest 3 snapshots by default", async () => {
    const store = await createRunStore(storeOptions(root, "r1"));
    for (let i = 1; i <= 5; i++) {
      await store.append("a", i);
      await store.snapshot({ i });
    }
    expect(await readdir(runPaths(root, "r1").snapshots)).toEqual([
      "snapshot-000000000003.json",
      "snapshot-000000000004.json",
      "snapshot-000000000005.json",
    ]);
    await store.close();
  });

  it("cannot be used after close", async () => {
    const store = await createRunStore(storeOptions(root, "r1"));
    await store.close();
    await expect(store.append("a", 1)).rejects.toThrow(/is closed/);
    await expect(store.snapshot({})).rejects.toThrow(/is closed/);
  });

  it("writes ISO-8601 UTC timestamps from the injected clock", async () => {
    const clock = createVirtualClock(Date.UTC(2030, 5, 1, 12));
    const store = await createRunStore(storeOptions(root, "r1", { clock }));
    clock.advance(1500);
    expect((await store.append("a", 1)).at).toBe("2030-06-01T12:00:01.500Z");
    const lock = JSON.parse(await readFile(join(store.dir, "lock.json"), "utf8"));
    expect(lock.startedAt).toBe("2030-06-01T12:00:00.000Z");
    await store.close();
  });
});

describe("abandon: the store of a process that died", () => {
  it("closes its files, writes nothing and keeps the lock for the next process to take over", async () => {
    const store = await createRunStore(storeOptions(root, "r1"));
    await store.append("intent", { phase: "issue" });
    const paths = runPaths(root, "r1");
    const journalBefore = await readFile(paths.journal, "utf8");
    await store.abandon();
    expect(await readFile(paths.journal, "utf8")).toBe(journalBefore);
    expect((await readdir(paths.dir)).sort()).toEqual(["journal.ndjson", "lock.json", "snapshots"]);
    await expect(store.append("result", {})).rejects.toThrow(TypeError);
    const { store: next, loaded } = await openRunStore(
      storeOptions(root, "r1", { spawner: fakeSpawner(999_001, (pid) => pid === 999_001) }),
    );
    expect(loaded.records.map((record) => record.type)).toEqual(["intent"]);
    expect(loaded.recovery.lockTakeover).toMatchObject({
      reason: "dead",
      previous: { pid: 4242, token: 1 },
      token: 2,
    });
    await next.close();
  });
});

describe("readRun", () => {
  it("loads without the lock and without repairing a torn tail", async () => {
    const store = await createRunStore<{ n: number }>(storeOptions(root, "r1"));
    await store.append("a", 1);
    await store.append("a", 2);
    const journal = runPaths(root, "r1").journal;
    await writeFile(journal, '{"seq":3,"at', { flag: "a" });
    const result = await readRun<{ n: number }>({ fs: nodeFileSystem, root, runId: "r1" });
    expect(result.records.map((record) => record.seq)).toEqual([1, 2]);
    expect(result.recovery.droppedBytes).toBe(12);
    expect(result.recovery.repaired).toBe(false);
    expect(result.lock.state).toBe("held");
    expect((await readFile(journal, "utf8")).endsWith('{"seq":3,"at')).toBe(true);
    await store.close();
  });
});

describe("listRuns", () => {
  it("lists the runs that exist, sorted, and nothing for a fresh repository", async () => {
    expect(await listRuns({ fs: nodeFileSystem, root })).toEqual([]);
    for (const id of ["b", "a"]) await (await createRunStore(storeOptions(root, id))).close();
    expect(await listRuns({ fs: nodeFileSystem, root })).toEqual(["a", "b"]);
  });
});
