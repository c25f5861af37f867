import { appendFile, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FileHandle, FileSystem } from "../ports/file-system.js";
import { nodeFileSystem } from "../ports/file-system.js";
import { createVirtualClock } from "../ports/virtual-clock.js";
import { createEventLogSink, readEvents } from "./event-log.js";
import type { WorkflowEvent } from "./events.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "wfm-event-log-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const started = (runId: string, attempt: number): WorkflowEvent => ({
  type: "phase.started",
  runId,
  phase: "push",
  attempt,
});

const START = Date.UTC(2026, 0, 1);

describe("abandoning the log, as a dying process does", () => {
  it("keeps what was written, closes its files without syncing, and refuses later events", async () => {
    const syncs: string[] = [];
    const fs: FileSystem = {
      ...nodeFileSystem,
      open: async (path, flags) => {
        const handle = await nodeFileSystem.open(path, flags);
        return { ...handle, sync: async () => void syncs.push(path) };
      },
    };
    const log = createEventLogSink({ fs, clock: createVirtualClock(START), root });
    await log.emit({ type: "run.started", runId: "r1", workflow: "dev" });
    await log.abandon();
    expect(syncs).toEqual([]);
    await expect(log.emit({ type: "run.completed", runId: "r1" })).rejects.toThrow(
      "The event log is closed; cannot emit.",
    );
    const events = await readEvents({ fs: nodeFileSystem, root, runId: "r1" });
    expect(events.events.map((event) => event.type)).toEqual(["run.started"]);
  });
});

describe("appending events", () => {
  it("writes each event as one NDJSON line stamped with the clock's ISO time", async () => {
    const log = createEventLogSink({ fs: nodeFileSystem, clock: createVirtualClock(START), root });
    await log.emit({ type: "run.started", runId: "r1", workflow: "dev" });
    await log.close();
    const text = await readFile(join(root, "runs", "r1", "events.ndjson"), "utf8");
    expect(text).toBe(
      '{"at":"2026-01-01T00:00:00.000Z","type":"run.started","runId":"r1","workflow":"dev"}\n',
    );
    expect(log.pathFor("r1")).toBe(join(root, "runs", "r1", "events.ndjson"));
  });

  it("has the line in the file when emit resolves", async () => {
    const log = createEventLogSink({ fs: nodeFileSystem, clock: createVirtualClock(START), root });
    await log.emit(started("r1", 1));
    const text = await readFile(log.pathFor("r1"), "utf8");
    expect(text.split("\n")).toHaveLength(2);
    await log.close();
  });

  it("keeps call order and loses nothing when 400 emits to two runs are in flight at once", async () => {
    const clock = createVirtualClock(START);
    const log = createEventLogSink({ fs: nodeFileSystem, clock, root });
    const emits: Promise<void>[] = [];
    for (let i = 1; i <= 200; i++) {
      clock.advance(1);
      emits.push(log.emit(started("a", i)), log.emit(started("b", i)));
    }
    await Promise.all(emits);
    await log.close();
    for (const runId of ["a", "b"]) {
      const read = await readEvents({ fs: nodeFileSystem, root, runId });
      expect(read.tornLines).toBe(0);
      expect(read.invalidLines).toEqual([]);
      expect(read.events.map((e) => (e.type === "phase.started" ? e.attempt : -1))).toEqual(
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      expect(read.events[199]?.at).toBe(new Date(START + 200).toISOString());
    }
  });

  it("refuses a run id that is not a safe path component, writing nothing", async () => {
    const log = createEventLogSink({ fs: nodeFileSystem, clock: createVirtualClock(START), root });
    await expect(log.emit(started("../escape", 1))).rejects.toThrow(
      /^Invalid runId "\.\.\/escape"/,
    );
    await expect(readFile(join(root, "escape", "events.ndjson"))).rejects.toMatchObject({
      code: "ENOENT",
    });
    await log.close();
  });

  it("refuses options without a root, naming the field", () => {
    expect(() =>
      createEventLogSink({ fs: nodeFileSystem, clock: createVirtualClock(START), root: "" }),
    ).toThrow("Invalid event log options: `root`: expected the `.workflowmaster` directory.");
  });

  it("rejects emits after close", async () => {
    const log = createEventLogSink({ fs: nodeFileSystem, clock: createVirtualClock(START), root });
    await log.close();
    await expect(log.emit(started("r1", 1))).rejects.toThrow(
      "The event log is closed; cannot emit.",
    );
  });
});

describe("durability", () => {
  it("does not fsync per event, and fsyncs every open file on flush", async () => {
    let syncs = 0;
    const counting: FileSystem = {
      ...nodeFileSystem,
      open: async (path, flags, mode) => {
        const handle = await nodeFileSystem.open(path, flags, mode);
        return {
          ...handle,
          write: handle.write,
          close: handle.close,
          sync: async () => {
            syncs += 1;
            await handle.sync();
          },
        };
      },
    };
    const log = createEventLogSink({ fs: counting, clock: createVirtualClock(START), root });
    await Promise.all([log.emit(started("a", 1)), log.emit(started("a", 2))]);
    await log.emit(started("b", 1));
    expect(syncs).toBe(0);
    await log.flush();
    expect(syncs).toBe(2);
    await log.close();
  });
});

describe("a failed write", () => {
  it("rejects that emit with the cause, and the next event starts on a fresh line", async () => {
    let failNext = false;
    const flaky: FileSystem = {
      ...nodeFileSystem,
      open: async (path, flags, mode) => {
        const handle = await nodeFileSystem.open(path, flags, mode);
        const wrapped: FileHandle = {
          sync: () => handle.sync(),
          close: () => handle.close(),
          write: async (data, position) => {
            if (!failNext) return handle.write(data, position);
            failNext = false;
            // Half the line reaches the disk, then the disk is full.
            await handle.write(data.subarray(0, Math.floor(data.length / 2)), position);
            throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
              code: "ENOSPC",
            });
          },
        };
        return wrapped;
      },
    };
    const log = createEventLogSink({ fs: flaky, clock: createVirtualClock(START), root });
    await log.emit(started("r1", 1));
    failNext = true;
    await expect(log.emit(started("r1", 2))).rejects.toMatchObject({ code: "ENOSPC" });
    await log.emit(started("r1", 3));
    await log.close();
    const read = await readEvents({ fs: nodeFileSystem, root, runId: "r1" });
    expect(read.events.map((e) => (e.type === "phase.started" ? e.attempt : -1))).toEqual([1, 3]);
    expect(read.invalidLines).toEqual([2]);
    expect(read.tornLines).toBe(0);
  });
});

describe("reading events", () => {
  const fileOf = (runId: string) => join(root, "runs", runId, "events.ndjson");

  async function writeThree(runId: string): Promise<string> {
    const log = createEventLogSink({ fs: nodeFileSystem, clock: createVirtualClock(START), root });
    for (let i = 1; i <= 3; i++) await log.emit(started(runId, i));
    await log.close();
    return readFile(fileOf(runId), "utf8");
  }

  it("reads back exactly what was written", async () => {
    await writeThree("r1");
    const read = await readEvents({ fs: nodeFileSystem, root, runId: "r1" });
    expect(read).toEqual({
      path: fileOf("r1"),
      exists: true,
      events: [1, 2, 3].map((attempt) => ({
        at: "2026-01-01T00:00:00.000Z",
        ...started("r1", attempt),
      })),
      tornLines: 0,
      invalidLines: [],
    });
  });

  it("tolerates the last line torn at every byte offset and counts it", async () => {
    const text = await writeThree("r1");
    const lastStart = text.lastIndexOf("\n", text.length - 2) + 1;
    const lastLength = text.length - lastStart; // including its newline
    for (let cut = 0; cut <= lastLength; cut++) {
      await writeFile(fileOf("r1"), text);
      await truncate(fileOf("r1"), lastStart + cut);
      const read = await readEvents({ fs: nodeFileSystem, root, runId: "r1" });
      // Nothing of line 3, all of it, or all but its newline: complete. Anything else: torn.
      const complete = cut >= lastLength - 1;
      expect({ cut, events: read.events.length, torn: read.tornLines }).toEqual({
        cut,
        events: complete ? 3 : 2,
        torn: cut === 0 || complete ? 0 : 1,
      });
      expect(read.invalidLines).toEqual([]);
    }
  });

  it("reports, without throwing, lines in the middle that are not events", async () => {
    await mkdir(join(root, "runs", "r1"), { recursive: true });
    const good = JSON.stringify({ at: "2026-01-01T00:00:00.000Z", ...started("r1", 1) });
    await writeFile(
      fileOf("r1"),
      Buffer.concat([
        Buffer.from(`${good}\nnot json\n[1,2]\n{"type":"x"}\n`),
        Buffer.from([0xff, 0xfe, 0x0a]),
        Buffer.from(`${good}\n`),
      ]),
    );
    const read = await readEvents({ fs: nodeFileSystem, root, runId: "r1" });
    expect(read.events).toHaveLength(2);
    expect(read.invalidLines).toEqual([2, 3, 4, 5]);
    expect(read.tornLines).toBe(0);
  });

  it("reports a run without an events file as not existing", async () => {
    const read = await readEvents({ fs: nodeFileSystem, root, runId: "nothing-yet" });
    expect(read).toEqual({
      path: fileOf("nothing-yet"),
      exists: false,
      events: [],
      tornLines: 0,
      invalidLines: [],
    });
  });

  it("appends after a torn tail on a new line, so the torn fragment damages nothing else", async () => {
    await writeThree("r1");
    await appendFile(fileOf("r1"), '{"at":"2026-01-01T00:00:00.000Z","type":"pha');
    const log = createEventLogSink({ fs: nodeFileSystem, clock: createVirtualClock(START), root });
    await log.emit(started("r1", 4));
    await log.close();
    const read = await readEvents({ fs: nodeFileSystem, root, runId: "r1" });
    expect(read.events.map((e) => (e.type === "phase.started" ? e.attempt : -1))).toEqual([
      1, 2, 3, 4,
    ]);
    expect(read.invalidLines).toEqual([4]);
    expect(read.tornLines).toBe(0);
  });
});
