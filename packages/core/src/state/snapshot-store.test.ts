import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isWorkflowMasterError } from "../errors/workflow-master-error.js";
import { FaultPoint, type FaultPoints, noFaultPoints } from "../ports/fault-points.js";
import { type FileSystem, nodeFileSystem } from "../ports/file-system.js";
import { seededRandom } from "../ports/random.js";
import { canonicalJson } from "./canonical-json.js";
import { makeTempDir } from "./fixtures/store-test-kit.js";
import { sha256Hex } from "./sha256-hex.js";
import {
  loadNewestSnapshot,
  pruneSnapshots,
  removeStrayTempFiles,
  snapshotFileName,
  snapshotPruner,
  snapshotSeqOf,
  verifySnapshot,
  writeSnapshot,
} from "./snapshot-store.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir("wfm-snapshots-"));
});
afterEach(() => cleanup());

const AT = "2026-01-01T00:00:00.000Z";

function write(
  seq: number,
  state: unknown,
  overrides: { fs?: FileSystem; faultPoints?: FaultPoints; runId?: string } = {},
) {
  return writeSnapshot({
    fs: overrides.fs ?? nodeFileSystem,
    random: seededRandom(seq),
    faultPoints: overrides.faultPoints ?? noFaultPoints,
    dir,
    runId: overrides.runId ?? "r",
    seq,
    at: AT,
    state,
  });
}

describe("snapshot file names", () => {
  it("are zero-padded so they sort by seq, and parse back", () => {
    expect(snapshotFileName(42)).toBe("snapshot-000000000042.json");
    expect(snapshotSeqOf("snapshot-000000000042.json")).toBe(42);
    expect(snapshotSeqOf("snapshot-000000000042.json.corrupt")).toBe(undefined);
    expect(snapshotSeqOf(".tmp-abc")).toBe(undefined);
  });
});

describe("writeSnapshot", () => {
  it("writes {schemaVersion, runId, seq, at, state, sha256} that verifies", async () => {
    const path = await write(7, { phase: "push", done: ["issue"] });
    expect(path).toBe(join(dir, "snapshot-000000000007.json"));
    const bytes = await readFile(path);
    const file = JSON.parse(bytes.toString("utf8"));
    expect(Object.keys(file)).toEqual(["schemaVersion", "runId", "seq", "at", "state", "sha256"]);
    expect(verifySnapshot(bytes, { runId: "r", seq: 7, path })).toEqual({
      ok: true,
      snapshot: file,
    });
    expect(await readdir(dir)).toEqual(["snapshot-000000000007.json"]);
  });

  it("hits the three snapshot fault points in order", async () => {
    const hits: string[] = [];
    await write(1, {}, { faultPoints: { hit: async (point) => void hits.push(point) } });
    expect(hits).toEqual([
      FaultPoint.SnapshotTempSynced,
      FaultPoint.SnapshotRenamed,
      FaultPoint.SnapshotDirectorySynced,
    ]);
  });

  it("leaves the old file in place, and the temp for recovery, when the process dies before the rename", async () => {
    await write(3, { version: "old" });
    const crashing: FaultPoints = {
      hit: async (point) => {
        if (point === FaultPoint.SnapshotTempSynced) throw new Error("injected crash");
      },
    };
    await expect(write(3, { version: "new" }, { faultPoints: crashing })).rejects.toThrow(
      "injected crash",
    );
    const entries = (await readdir(dir)).sort();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatch(/^\.tmp-/);
    expect(entries[1]).toBe("snapshot-000000000003.json");
    const file = JSON.parse(await readFile(join(dir, snapshotFileName(3)), "utf8"));
    expect(file.state).toEqual({ version: "old" });
  });

  it("surfaces a failed rename with its errno and removes the temp", async () => {
    const fs: FileSystem = {
      ...nodeFileSystem,
      rename: async () => {
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      },
    };
    await expect(write(1, {}, { fs })).rejects.toMatchObject({ code: "ENOSPC" });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("loadNewestSnapshot", () => {
  it("returns the newest snapshot that verifies, setting damaged ones aside", async () => {
    await write(1, { n: 1 });
    await write(2, { n: 2 });
    await write(3, { n: 3 });
    await writeFile(join(dir, snapshotFileName(3)), "{}");
    await write(4, { n: 4 }, { runId: "other-run" });
    const loaded = await loadNewestSnapshot({
      fs: nodeFileSystem,
      dir,
      runId: "r",
      setAside: true,
    });
    expect(loaded.snapshot).toEqual({
      seq: 2,
      state: { n: 2 },
      path: join(dir, snapshotFileName(2)),
    });
    expect(loaded.rejected).toEqual([
      {
        path: join(dir, snapshotFileName(4)),
        reason: 'belongs to run "other-run"',
        movedTo: join(dir, `${snapshotFileName(4)}.corrupt`),
      },
      {
        path: join(dir, snapshotFileName(3)),
        reason:
          "not a snapshot (schemaVersion: Invalid input: expected number, received undefined)",
        movedTo: join(dir, `${snapshotFileName(3)}.corrupt`),
      },
    ]);
  });

  it("moves nothing when read-only", async () => {
    await write(1, { n: 1 });
    await writeFile(join(dir, snapshotFileName(2)), "");
    const loaded = await loadNewestSnapshot({
      fs: nodeFileSystem,
      dir,
      runId: "r",
      setAside: false,
    });
    expect(loaded.snapshot?.seq).toBe(1);
    expect(loaded.rejected).toEqual([
      { path: join(dir, snapshotFileName(2)), reason: "the file is empty", movedTo: undefined },
    ]);
    expect((await readdir(dir)).sort()).toEqual([snapshotFileName(1), snapshotFileName(2)]);
  });

  it("rejects a snapshot renamed to another seq", async () => {
    const path = await write(5, {});
    const bytes = await readFile(path);
    expect(verifySnapshot(bytes, { runId: "r", seq: 6, path })).toEqual({
      ok: false,
      reason: "holds seq 5 but is named for seq 6",
    });
  });

  it("uses a numbered name when a set-aside file of that name exists", async () => {
    await writeFile(join(dir, snapshotFileName(1)), "x");
    await writeFile(join(dir, `${snapshotFileName(1)}.corrupt`), "older damage");
    const loaded = await loadNewestSnapshot({
      fs: nodeFileSystem,
      dir,
      runId: "r",
      setAside: true,
    });
    expect(loaded.rejected[0]?.movedTo).toBe(join(dir, `${snapshotFileName(1)}.1.corrupt`));
    expect(await readFile(join(dir, `${snapshotFileName(1)}.corrupt`), "utf8")).toBe(
      "older damage",
    );
  });

  it("refuses, without moving it, a snapshot whose hash verifies but whose version is unknown", async () => {
    const path = await write(9, {});
    const file = JSON.parse(await readFile(path, "utf8"));
    const { sha256: _, ...rest } = { ...file, schemaVersion: 3 };
    await writeFile(path, JSON.stringify({ ...rest, sha256: sha256Hex(canonicalJson(rest)) }));
    const error = await loadNewestSnapshot({
      fs: nodeFileSystem,
      dir,
      runId: "r",
      setAside: true,
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isWorkflowMasterError(error) && error.code).toBe("WFM-STATE-SCHEMA-UNKNOWN");
    expect(await readdir(dir)).toEqual([snapshotFileName(9)]);
  });
});

describe("pruneSnapshots", () => {
  it("keeps the newest N and leaves set-aside files alone", async () => {
    for (const seq of [1, 2, 3, 4]) await write(seq, { seq });
    await writeFile(join(dir, `${snapshotFileName(0)}.corrupt`), "");
    expect(await pruneSnapshots(nodeFileSystem, dir, 2)).toEqual([
      join(dir, snapshotFileName(2)),
      join(dir, snapshotFileName(1)),
    ]);
    expect((await readdir(dir)).sort()).toEqual([
      `${snapshotFileName(0)}.corrupt`,
      snapshotFileName(3),
      snapshotFileName(4),
    ]);
  });

  it("frees space for the resource guard, resolving with the bytes removed", async () => {
    const runDir = join(dir, "run");
    const snapshots = join(runDir, "snapshots");
    await mkdir(snapshots, { recursive: true });
    for (const seq of [1, 2, 3]) {
      await writeFile(join(snapshots, snapshotFileName(seq)), "x".repeat(seq * 100));
    }
    expect(await snapshotPruner(nodeFileSystem, 1)(runDir)).toBe(300);
    expect(await readdir(snapshots)).toEqual([snapshotFileName(3)]);
    expect(() => snapshotPruner(nodeFileSystem, 0)).toThrow(TypeError);
  });

  it("refuses to keep fewer than one", async () => {
    await expect(pruneSnapshots(nodeFileSystem, dir, 0)).rejects.toThrow(
      new TypeError("pruneSnapshots: keep must be an integer >= 1, got 0"),
    );
  });
});

describe("removeStrayTempFiles", () => {
  it("removes only .tmp- files and reports them", async () => {
    await write(1, {});
    await writeFile(join(dir, ".tmp-a"), "");
    await writeFile(join(dir, ".tmp-b"), "partial");
    expect(await removeStrayTempFiles(nodeFileSystem, dir)).toEqual([
      join(dir, ".tmp-a"),
      join(dir, ".tmp-b"),
    ]);
    expect(await readdir(dir)).toEqual([snapshotFileName(1)]);
    expect(await removeStrayTempFiles(nodeFileSystem, join(dir, "missing"))).toEqual([]);
  });
});
