import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WorkflowMasterError } from "../errors/workflow-master-error.js";
import { isWorkflowMasterError } from "../errors/workflow-master-error.js";
import { nodeFileSystem } from "../ports/file-system.js";
import { canonicalJson } from "./canonical-json.js";
import { makeTempDir, storeOptions } from "./fixtures/store-test-kit.js";
import { readJournal, scanJournal } from "./journal.js";
import { runPaths } from "./run-paths.js";
import { createRunStore, openRunStore, readRun } from "./run-store.js";
import type { JournalRecord } from "./run-store-types.js";
import { sha256Hex } from "./sha256-hex.js";
import { snapshotFileName } from "./snapshot-store.js";

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir("wfm-damage-"));
});
afterEach(() => cleanup());

const RUN = "damaged";
const paths = () => runPaths(root, RUN);
const snapshotPath = (seq: number) => join(paths().snapshots, snapshotFileName(seq));

interface Built {
  journal: Buffer;
  records: JournalRecord[];
  /** Byte offset where each line starts, and the end. */
  lineStarts: number[];
}

/** Six records; snapshots after seq 2 and seq 4 (unless `snapshots` is false). */
async function buildRun(snapshots = true): Promise<Built> {
  const store = await createRunStore<{ upTo: number }>(storeOptions(root, RUN));
  for (let seq = 1; seq <= 6; seq++) {
    await store.append("step", { seq, note: `record number ${seq}` });
    if (snapshots && (seq === 2 || seq === 4)) await store.snapshot({ upTo: seq });
  }
  await store.close();
  const journal = await readFile(paths().journal);
  const lineStarts = [0];
  for (let i = 0; i < journal.length; i++) if (journal[i] === 0x0a) lineStarts.push(i + 1);
  return { journal, records: scanJournal(journal).records, lineStarts };
}

async function failure(promise: Promise<unknown>): Promise<WorkflowMasterError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (!isWorkflowMasterError(caught))
    throw new Error(`expected a WorkflowMasterError, got ${caught}`);
  // Actionable, not a stack trace: guidance and command filled in.
  expect(caught.guidance).not.toMatch(/<[A-Z_]+>/);
  expect(caught.command).toMatch(/^workflowmaster /);
  return caught;
}

async function lockExists(): Promise<boolean> {
  return stat(paths().lock).then(
    () => true,
    () => false,
  );
}

describe("a journal torn inside its last record", () => {
  it("recovers the previous records at every byte offset, dropping exactly the torn bytes", async () => {
    const built = await buildRun();
    const lastStart = built.lineStarts[5] ?? Number.NaN;
    const lastLength = built.journal.length - lastStart;
    expect(lastLength).toBeGreaterThan(150);
    for (let kept = 0; kept < lastLength; kept++) {
      await writeFile(paths().journal, built.journal.subarray(0, lastStart + kept));
      const { store, loaded } = await openRunStore<{ upTo: number }>(storeOptions(root, RUN));
      expect(loaded.snapshot).toEqual({ seq: 4, state: { upTo: 4 } });
      expect(loaded.records).toEqual([built.records[4]]);
      expect(loaded.recovery.droppedBytes).toBe(kept);
      expect(loaded.recovery.repaired).toBe(kept > 0);
      expect(loaded.recovery.journalTailSavedAs).toBe(undefined);
      await store.close();
      expect(await readFile(paths().journal)).toEqual(built.journal.subarray(0, lastStart));
    }
  });

  it("keeps the whole last record when it is complete", async () => {
    const built = await buildRun();
    const { store, loaded } = await openRunStore(storeOptions(root, RUN));
    expect(loaded.records).toEqual(built.records.slice(4));
    expect(loaded.recovery.droppedBytes).toBe(0);
    await store.close();
  });
});

describe("a journal damaged in the middle", () => {
  it("drops the damaged line and everything after it, saving the dropped bytes aside", async () => {
    const built = await buildRun(false);
    const start = built.lineStarts[3] ?? Number.NaN;
    const damaged = Buffer.from(built.journal);
    damaged[start + 40] = (damaged[start + 40] ?? 0) ^ 0x04;
    await writeFile(paths().journal, damaged);
    const { store, loaded } = await openRunStore(storeOptions(root, RUN));
    expect(loaded.snapshot).toBe(undefined);
    expect(loaded.records).toEqual(built.records.slice(0, 3));
    expect(loaded.recovery.droppedBytes).toBe(built.journal.length - start);
    expect(loaded.recovery.journalBreak).toMatch(/^line 4: /);
    const saved = loaded.recovery.journalTailSavedAs ?? "";
    expect(saved).toBe(`${paths().journal}.tail-${start}.corrupt`);
    expect(await readFile(saved)).toEqual(damaged.subarray(start));
    expect(await readFile(paths().journal)).toEqual(built.journal.subarray(0, start));
    expect((await store.append("step", { seq: 4 })).seq).toBe(4);
    await store.close();
  });
});

describe("a flipped bit in the newest snapshot", () => {
  it("falls back to the older snapshot and sets the damaged one aside, for a bit in every byte", async () => {
    const built = await buildRun();
    const newest = snapshotPath(4);
    const pristine = await readFile(newest);
    for (let i = 0; i < pristine.length; i++) {
      const flipped = Buffer.from(pristine);
      flipped[i] = (flipped[i] ?? 0) ^ (1 << (i % 8));
      await writeFile(newest, flipped);
      const { store, loaded } = await openRunStore<{ upTo: number }>(storeOptions(root, RUN));
      expect(loaded.snapshot).toEqual({ seq: 2, state: { upTo: 2 } });
      expect(loaded.records).toEqual(built.records.slice(2));
      expect(loaded.recovery.snapshotsRejected).toEqual([newest]);
      expect(loaded.recovery.repaired).toBe(true);
      await store.close();
      expect(await readFile(`${newest}.corrupt`)).toEqual(flipped);
      expect(await stat(newest).catch(() => "gone")).toBe("gone");
      await rm(`${newest}.corrupt`);
      await writeFile(newest, pristine);
    }
  });
});

describe("a zero-length snapshot", () => {
  it("is set aside and the older snapshot is used", async () => {
    const built = await buildRun();
    await writeFile(snapshotPath(4), "");
    const { store, loaded } = await openRunStore<{ upTo: number }>(storeOptions(root, RUN));
    expect(loaded.snapshot).toEqual({ seq: 2, state: { upTo: 2 } });
    expect(loaded.records).toEqual(built.records.slice(2));
    expect(loaded.recovery.snapshotRejections).toEqual([
      { path: snapshotPath(4), reason: "the file is empty", movedTo: `${snapshotPath(4)}.corrupt` },
    ]);
    await store.close();
    expect((await readdir(paths().snapshots)).sort()).toEqual([
      snapshotFileName(2),
      `${snapshotFileName(4)}.corrupt`,
    ]);
  });
});

describe("stray temp files", () => {
  it("are removed at open and reported, and nothing else changes", async () => {
    const built = await buildRun();
    await writeFile(join(paths().dir, ".tmp-lock0000000"), "half a lock");
    await writeFile(join(paths().snapshots, ".tmp-snap0000000"), '{"schemaVersion":1,"ru');
    const { store, loaded } = await openRunStore(storeOptions(root, RUN));
    expect(loaded.recovery).toEqual({
      droppedBytes: 0,
      snapshotsRejected: [],
      tempFilesRemoved: [
        join(paths().dir, ".tmp-lock0000000"),
        join(paths().snapshots, ".tmp-snap0000000"),
      ],
      repaired: true,
    });
    expect(loaded.records).toEqual(built.records.slice(4));
    await store.close();
    expect((await readdir(paths().dir)).sort()).toEqual([
      "journal.ndjson",
      "lock.released.json",
      "snapshots",
    ]);
    expect((await readdir(paths().snapshots)).sort()).toEqual([
      snapshotFileName(2),
      snapshotFileName(4),
    ]);
  });
});

describe("an unknown schemaVersion", () => {
  it("fails with WFM-STATE-SCHEMA-UNKNOWN, leaves the file untouched and releases the lock", async () => {
    await buildRun();
    const fields = {
      schemaVersion: 2,
      runId: RUN,
      seq: 6,
      at: "2030-01-01T00:00:00.000Z",
      state: {},
    };
    const bytes = `${JSON.stringify({ ...fields, sha256: sha256Hex(canonicalJson(fields)) })}\n`;
    await writeFile(snapshotPath(6), bytes);
    const error = await failure(openRunStore(storeOptions(root, RUN)));
    expect(error.code).toBe("WFM-STATE-SCHEMA-UNKNOWN");
    expect(error.message).toBe(
      `Snapshot ${snapshotPath(6)} has schemaVersion 2; this version reads only 1.`,
    );
    expect(await readFile(snapshotPath(6), "utf8")).toBe(bytes);
    expect(await lockExists()).toBe(false);
    const readOnly = await failure(readRun({ fs: nodeFileSystem, root, runId: RUN }));
    expect(readOnly.code).toBe("WFM-STATE-SCHEMA-UNKNOWN");
  });
});

describe("a missing run directory", () => {
  it("fails with WFM-RUN-NOT-FOUND for open and for read", async () => {
    await buildRun();
    await rm(paths().dir, { recursive: true });
    const error = await failure(openRunStore(storeOptions(root, RUN)));
    expect(error.code).toBe("WFM-RUN-NOT-FOUND");
    expect(error.message).toBe(`There is no run ${RUN} under ${root}.`);
    expect((await failure(readRun({ fs: nodeFileSystem, root, runId: RUN }))).code).toBe(
      "WFM-RUN-NOT-FOUND",
    );
  });
});

describe("a journal corrupt from its first line with no snapshot", () => {
  it("fails with WFM-STATE-CORRUPT naming the line, and changes nothing", async () => {
    const built = await buildRun(false);
    const damaged = Buffer.from(built.journal);
    damaged[20] = (damaged[20] ?? 0) ^ 0x01;
    await writeFile(paths().journal, damaged);
    const error = await failure(openRunStore(storeOptions(root, RUN)));
    expect(error.code).toBe("WFM-STATE-CORRUPT");
    expect(error.message).toMatch(
      /^The state of run damaged is damaged beyond automatic recovery: the journal is invalid from its first line \(line 1: .+\) and no snapshot is valid\.$/,
    );
    expect(await readFile(paths().journal)).toEqual(damaged);
    expect(await lockExists()).toBe(false);
  });

  it("treats a torn first record (an unacknowledged first append) as an empty run", async () => {
    const built = await buildRun(false);
    const firstEnd = built.lineStarts[1] ?? Number.NaN;
    await writeFile(paths().journal, built.journal.subarray(0, firstEnd - 30));
    const { store, loaded } = await openRunStore(storeOptions(root, RUN));
    expect(loaded.records).toEqual([]);
    expect(loaded.recovery.droppedBytes).toBe(firstEnd - 30);
    await store.close();
  });
});

describe("a snapshot ahead of a truncated journal", () => {
  it("trusts the snapshot and marks the gap so the journal stays valid", async () => {
    const built = await buildRun();
    await writeFile(paths().journal, built.journal.subarray(0, built.lineStarts[3]));
    const { store, loaded } = await openRunStore<{ upTo: number }>(storeOptions(root, RUN));
    expect(loaded.snapshot).toEqual({ seq: 4, state: { upTo: 4 } });
    expect(loaded.records).toEqual([]);
    expect(loaded.recovery.journalRebased).toEqual({ afterSeq: 3, snapshotSeq: 4 });
    expect((await store.append("step", { seq: 5 })).seq).toBe(5);
    await store.close();
    const scan = await readJournal(nodeFileSystem, paths().journal);
    expect(scan.break).toBe(undefined);
    expect(scan.records.map((record) => [record.seq, record.type])).toEqual([
      [1, "step"],
      [2, "step"],
      [3, "step"],
      [4, "store.journal-rebased"],
      [5, "step"],
    ]);
    const again = await openRunStore(storeOptions(root, RUN));
    expect(again.loaded.records.map((record) => record.seq)).toEqual([5]);
    await again.store.close();
  });

  it("fails with WFM-STATE-CORRUPT if the snapshot that covered the gap is lost", async () => {
    const built = await buildRun();
    await writeFile(paths().journal, built.journal.subarray(0, built.lineStarts[3]));
    await (await openRunStore(storeOptions(root, RUN))).store.close();
    await writeFile(snapshotPath(4), "");
    const error = await failure(openRunStore(storeOptions(root, RUN)));
    expect(error.code).toBe("WFM-STATE-CORRUPT");
    expect(error.message).toMatch(/journal records 4 to 4 exist only in snapshot 4/);
  });
});
