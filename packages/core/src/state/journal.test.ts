import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultPoint, type FaultPoints, noFaultPoints } from "../ports/fault-points.js";
import { type FileSystem, nodeFileSystem } from "../ports/file-system.js";
import { makeTempDir } from "./fixtures/store-test-kit.js";
import {
  createJournalWriter,
  type JournalWriter,
  readJournal,
  recordHash,
  scanJournal,
} from "./journal.js";

let dir: string;
let path: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir("wfm-journal-"));
  path = join(dir, "journal.ndjson");
});
afterEach(() => cleanup());

const AT = "2026-01-01T00:00:00.000Z";
const encoder = new TextEncoder();

function writer(
  fs: FileSystem = nodeFileSystem,
  faultPoints: FaultPoints = noFaultPoints,
): JournalWriter {
  return createJournalWriter({
    fs,
    faultPoints,
    path,
    runId: "r",
    position: { endOffset: 0, lastSeq: 0, lastHash: "", exists: false },
  });
}

async function writeThree(): Promise<string[]> {
  const w = writer();
  for (let i = 1; i <= 3; i++) await w.append({ at: AT, fence: 1, type: "t", data: { i } });
  await w.close();
  return (await readFile(path, "utf8")).split("\n").slice(0, 3);
}

function lines(...text: string[]): Uint8Array {
  return encoder.encode(text.map((line) => `${line}\n`).join(""));
}

describe("the journal line format", () => {
  it("writes one record per line with seq, at, fence, type, data, prevHash and sha256", async () => {
    const [first, second] = await writeThree();
    const one = JSON.parse(first ?? "");
    expect(Object.keys(one)).toEqual(["seq", "at", "fence", "type", "data", "prevHash", "sha256"]);
    expect(one).toEqual({
      seq: 1,
      at: AT,
      fence: 1,
      type: "t",
      data: { i: 1 },
      prevHash: "",
      sha256: recordHash({ seq: 1, at: AT, fence: 1, type: "t", data: { i: 1 }, prevHash: "" }),
    });
    expect(JSON.parse(second ?? "").prevHash).toBe(one.sha256);
  });
});

describe("scanJournal", () => {
  it("accepts a valid chain and reports no break", async () => {
    await writeThree();
    const scan = await readJournal(nodeFileSystem, path);
    expect(scan.records.map((record) => record.seq)).toEqual([1, 2, 3]);
    expect(scan.break).toBe(undefined);
    expect(scan.validBytes).toBe(scan.totalBytes);
  });

  it("reports a changed record as a sha256 mismatch and accepts nothing after it", async () => {
    const [a, b, c] = await writeThree();
    const scan = scanJournal(lines(a ?? "", (b ?? "").replace('"i":2', '"i":9'), c ?? ""));
    expect(scan.records.map((record) => record.seq)).toEqual([1]);
    expect(scan.break?.reason).toMatch(/^line 2: sha256 mismatch/);
    expect(scan.break?.torn).toBe(false);
    expect(scan.validBytes).toBe((a ?? "").length + 1);
  });

  it("reports records out of order as a broken prevHash chain", async () => {
    const [a, b, c] = await writeThree();
    const scan = scanJournal(lines(a ?? "", c ?? "", b ?? ""));
    expect(scan.records.length).toBe(1);
    expect(scan.break?.reason).toMatch(
      /^line 2: prevHash .* does not chain to the previous record/,
    );
  });

  it("reports a seq gap even when the hashes chain", () => {
    const one = { seq: 1, at: AT, fence: 1, type: "t", data: 1, prevHash: "" };
    const first = { ...one, sha256: recordHash(one) };
    const three = { seq: 3, at: AT, fence: 1, type: "t", data: 3, prevHash: first.sha256 };
    const scan = scanJournal(
      lines(JSON.stringify(first), JSON.stringify({ ...three, sha256: recordHash(three) })),
    );
    expect(scan.break?.reason).toBe("line 2: seq 3 does not follow seq 1");
  });

  it("refuses lines that are not records: schema, JSON, UTF-8, empty", async () => {
    const [a] = await writeThree();
    const withExtra = JSON.stringify({ ...JSON.parse(a ?? ""), extra: 1 });
    expect(scanJournal(lines(withExtra)).break?.reason).toMatch(
      /^line 1: not a journal record \(\(root\): Unrecognized key: "extra"\)$/,
    );
    const localTime = (a ?? "").replace("00.000Z", "00.000+01:00");
    expect(scanJournal(lines(localTime)).break?.reason).toBe(
      "line 1: not a journal record (at: Invalid ISO datetime)",
    );
    expect(scanJournal(lines("{not json")).break?.reason).toMatch(/^line 1: not JSON \(/);
    expect(scanJournal(new Uint8Array([0xff, 0x0a])).break?.reason).toBe("line 1: not valid UTF-8");
    expect(scanJournal(lines("")).break?.reason).toBe("line 1: empty line");
  });

  it("calls an unterminated last line torn, not damaged", async () => {
    const [a, b] = await writeThree();
    const scan = scanJournal(encoder.encode(`${a}\n${b}`));
    expect(scan.records.length).toBe(1);
    expect(scan.break).toEqual({
      line: 2,
      offset: (a ?? "").length + 1,
      reason: "line 2: unterminated (a write cut short)",
      torn: true,
    });
  });
});

describe("a failed append", () => {
  it("rejects with the fsync error and leaves no trace, so the next append continues the chain", async () => {
    let failSync = false;
    const flaky: FileSystem = {
      ...nodeFileSystem,
      open: async (p, flags, mode) => {
        const handle = await nodeFileSystem.open(p, flags, mode);
        return {
          ...handle,
          sync: async () => {
            if (failSync && flags === "a") {
              failSync = false;
              throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
            }
            await handle.sync();
          },
        };
      },
    };
    const w = writer(flaky);
    await w.append({ at: AT, fence: 1, type: "t", data: 1 });
    const lengthBefore = (await readFile(path)).length;
    failSync = true;
    await expect(w.append({ at: AT, fence: 1, type: "t", data: 2 })).rejects.toMatchObject({
      code: "EIO",
    });
    expect((await readFile(path)).length).toBe(lengthBefore);
    expect(w.lastSeq).toBe(1);
    expect((await w.append({ at: AT, fence: 1, type: "t", data: 3 })).seq).toBe(2);
    await w.close();
    const scan = await readJournal(nodeFileSystem, path);
    expect(scan.records.map((record) => record.data)).toEqual([1, 3]);
    expect(scan.break).toBe(undefined);
  });

  it("rejects when a fault point throws after the fsync, and removes the record again", async () => {
    let armed = false;
    const faults: FaultPoints = {
      hit: async (point) => {
        if (armed && point === FaultPoint.JournalSynced) throw new Error("injected");
      },
    };
    const w = writer(nodeFileSystem, faults);
    await w.append({ at: AT, fence: 1, type: "t", data: 1 });
    armed = true;
    await expect(w.append({ at: AT, fence: 1, type: "t", data: 2 })).rejects.toThrow("injected");
    armed = false;
    await w.append({ at: AT, fence: 1, type: "t", data: 3 });
    await w.close();
    const scan = await readJournal(nodeFileSystem, path);
    expect(scan.records.map((record) => [record.seq, record.data])).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });

  it("reports both errors when the repair fails too, and repairs before the next append", async () => {
    let failTruncate = true;
    const fs: FileSystem = {
      ...nodeFileSystem,
      truncate: async (p, length) => {
        if (failTruncate) throw Object.assign(new Error("EROFS: read-only"), { code: "EROFS" });
        await nodeFileSystem.truncate(p, length);
      },
    };
    let armed = true;
    // The failure comes from the disk (fsync reports EIO), not from a fault
    // point: a fault point that throws is a crash, which repairs nothing.
    const failingSync: FileSystem = {
      ...fs,
      open: async (p, flags) => {
        const handle = await nodeFileSystem.open(p, flags);
        return {
          ...handle,
          write: (data, position) => handle.write(data, position),
          close: () => handle.close(),
          sync: async () => {
            if (armed) throw new Error("injected");
            await handle.sync();
          },
        };
      },
    };
    const faults: FaultPoints = { hit: async () => undefined };
    const w = writer(failingSync, faults);
    const error = await w.append({ at: AT, fence: 1, type: "t", data: 1 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).message).toBe(
      "injected (then truncating the journal back to its last acknowledged record failed too: EROFS: read-only)",
    );
    expect(((error as AggregateError).cause as Error).message).toBe("injected");
    expect((await readFile(path, "utf8")).length).toBeGreaterThan(0);
    armed = false;
    failTruncate = false;
    expect((await w.append({ at: AT, fence: 1, type: "t", data: 2 })).seq).toBe(1);
    await w.close();
    const scan = await readJournal(nodeFileSystem, path);
    expect(scan.records.map((record) => record.data)).toEqual([2]);
  });
});

describe("readJournal", () => {
  it("treats a missing file as an empty journal", async () => {
    const scan = await readJournal(nodeFileSystem, join(dir, "absent.ndjson"));
    expect(scan.exists).toBe(false);
    expect(scan.records).toEqual([]);
    expect(scan.break).toBe(undefined);
  });

  it("sees a torn tail written by a crash", async () => {
    await writeThree();
    await writeFile(path, '{"seq":4,"at":"20', { flag: "a" });
    const scan = await readJournal(nodeFileSystem, path);
    expect(scan.records.length).toBe(3);
    expect(scan.totalBytes - scan.validBytes).toBe(17);
  });
});
