import {
  type CrashState,
  type CrashStatesReport,
  createFaultFileSystem,
  createFaultJournal,
  createSeed,
  createVirtualClock,
  enumerateCrashStates,
  type FaultFileSystem,
  type Trace,
} from "@workflowmaster/chaos";
import { describe, expect, it } from "vitest";
import { isWorkflowMasterError } from "../errors/workflow-master-error.js";
import { noFaultPoints } from "../ports/fault-points.js";
import { type FileSystem, writeAll } from "../ports/file-system.js";
import { writeFileAtomic } from "./atomic-write.js";
import { fakeSpawner } from "./fixtures/store-test-kit.js";
import { createRunStore, openRunStore, readRun } from "./run-store.js";
import type { RunStoreOptions } from "./run-store-options.js";

// ALICE / CrashMonkey over core's run store: record every filesystem call a
// 7-phase workflow's state writes make, then recover from every disk a crash
// at any point of that trace could leave (unsynced data lost or torn,
// unsynced directory entries lost or kept), and check that nothing
// acknowledged is ever lost.

const ROOT = "/repo/.workflowmaster";
const RUN_ID = "run-7";
const PHASES = ["preflight", "issue", "branch", "implement", "commit", "push", "pull-request"];

interface Item {
  seq: number;
  type: string;
  data: { phase: string; step: number; note: string };
}
interface State {
  records: Item[];
}

function faultFs(seedRoot: number, volume?: FaultFileSystem["volume"]): FaultFileSystem {
  const seed = createSeed(seedRoot);
  const clock = createVirtualClock();
  return createFaultFileSystem({
    random: seed.stream("fs"),
    journal: createFaultJournal(clock),
    clock,
    ...(volume === undefined ? {} : { volume }),
  });
}

function options(fs: FileSystem, pid: number, seedRoot: number): RunStoreOptions {
  return {
    fs,
    clock: createVirtualClock(),
    random: createSeed(seedRoot).stream("store"),
    spawner: fakeSpawner(pid, (alive) => alive === pid),
    faultPoints: noFaultPoints,
    root: ROOT,
    runId: RUN_ID,
    hostname: "test-host",
    keepSnapshots: 2,
  };
}

/** Every record the workflow appends, in order: an intent and a result per phase. */
const ATTEMPTED: Item[] = PHASES.flatMap((phase, index) =>
  ["phase.intent", "phase.result"].map((type, half) => ({
    seq: index * 2 + half + 1,
    type,
    data: { phase, step: index + 1, note: `${type} of ${phase}` },
  })),
);

/** A 7-phase run's state writes, marking each acknowledgement. */
async function recordWorkflow(): Promise<Trace> {
  const fs = faultFs(2026);
  await fs.mkdir("/repo");
  await fs.syncDirectory("/");
  const store = await createRunStore<State>(options(fs, 1001, 1));
  fs.mark("created");
  const done: Item[] = [];
  for (const item of ATTEMPTED) {
    const record = await store.append(item.type, item.data);
    expect(record.seq).toBe(item.seq);
    done.push(item);
    fs.mark("acknowledged", { seq: item.seq, type: item.type, data: item.data });
    if (item.type === "phase.result") await store.snapshot({ records: [...done] });
  }
  await store.close();
  return fs.trace();
}

/**
 * The engine's default pattern: each result's fsync deferred to the next
 * intent's, one snapshot at the end. A result is acknowledged only once the
 * append after it (or the snapshot, or close) made it durable.
 */
async function recordWorkflowDeferred(): Promise<Trace> {
  const fs = faultFs(2027);
  await fs.mkdir("/repo");
  await fs.syncDirectory("/");
  const store = await createRunStore<State>(options(fs, 1001, 1));
  fs.mark("created");
  const done: Item[] = [];
  let pending: Item | undefined;
  for (const item of ATTEMPTED) {
    const durable = item.type !== "phase.result";
    const record = await store.append(item.type, item.data, { durable });
    expect(record.seq).toBe(item.seq);
    done.push(item);
    if (!durable) {
      pending = item;
      continue;
    }
    if (pending !== undefined) fs.mark("acknowledged", { ...pending });
    pending = undefined;
    fs.mark("acknowledged", { seq: item.seq, type: item.type, data: item.data });
  }
  await store.snapshot({ records: [...done] });
  if (pending !== undefined) fs.mark("acknowledged", { ...pending });
  await store.close();
  return fs.trace();
}

/** Recovery as the next process: a valid store holding every acknowledged record. */
async function recoverRunStore(state: CrashState, maxUnacknowledged = 1): Promise<void> {
  const acknowledged = state.acknowledged
    .filter((mark) => mark.label === "acknowledged")
    .map((mark) => mark.data as unknown as Item);
  const created = state.acknowledged.some((mark) => mark.label === "created");
  const fs = faultFs(state.index, state.volume);
  let opened: Awaited<ReturnType<typeof openRunStore<State>>>;
  try {
    opened = await openRunStore<State>(options(fs, 2002, state.index));
  } catch (error) {
    // Before createRunStore returned, "there is no such run" is a true answer.
    if (!created && isWorkflowMasterError(error) && error.code === "WFM-RUN-NOT-FOUND") return;
    throw error;
  }
  const { store, loaded } = opened;
  const recovered: Item[] = [
    ...(loaded.snapshot?.state.records ?? []),
    ...loaded.records.map((record) => ({
      seq: record.seq,
      type: record.type,
      data: record.data as Item["data"],
    })),
  ];
  // Every acknowledged record, in order; at most the one in flight beyond.
  expect(recovered.slice(0, acknowledged.length)).toEqual(acknowledged);
  expect(recovered).toEqual(ATTEMPTED.slice(0, recovered.length));
  expect(recovered.length - acknowledged.length).toBeLessThanOrEqual(maxUnacknowledged);
  // A valid store: it takes the next record, and a reader sees it.
  const next = await store.append("run.resumed", { after: recovered.length });
  expect(next.seq).toBe(recovered.length + 1);
  await store.close();
  const read = await readRun<State>({ fs, root: ROOT, runId: RUN_ID });
  expect(read.records.at(-1)?.type).toBe("run.resumed");
}

function failureLines(report: CrashStatesReport): string[] {
  return report.failures.map((failure) => `${failure.description}: ${failure.message}`);
}

describe("run store: every crash state of a 7-phase workflow's writes", () => {
  it("recovers a valid store holding every acknowledged record in each state", async () => {
    const trace = await recordWorkflow();
    const seen = { torn: 0, lostData: 0, lostDirectory: 0 };
    const report = await enumerateCrashStates(trace, {
      random: createSeed(7).stream("fs-crash-states"),
      check: async (state) => {
        if (state.torn) seen.torn++;
        if (state.lostData.length > 0) seen.lostData++;
        if (state.lostDirectory.length > 0) seen.lostDirectory++;
        await recoverRunStore(state);
      },
    });
    console.info(
      `run store crash states: ${trace.ops.length} ops, ${report.crashPoints} crash points, ${report.combinations} combinations, ${report.inconsistent} unreachable, ${report.duplicates} duplicates, ${report.states} states checked (${seen.torn} with a torn write, ${seen.lostData} losing unsynced data, ${seen.lostDirectory} losing directory entries), ${report.failures.length} failures`,
    );
    expect(failureLines(report)).toEqual([]);
    expect(report.crashPoints).toBe(trace.ops.length + 1);
    expect(report.states).toBe(report.combinations - report.inconsistent - report.duplicates);
    // At least a write and an fsync per append, and a create, write, fsync,
    // rename and directory fsync per snapshot.
    expect(trace.ops.length).toBeGreaterThanOrEqual(ATTEMPTED.length * 2 + PHASES.length * 5);
    expect(report.states).toBeGreaterThan(report.crashPoints);
    // The states were hostile: every append torn four ways, directory
    // entries lost. (The store fsyncs each write at once, so unsynced data
    // is only ever the in-flight write, whose loss is the crash point before.)
    expect(seen.torn).toBeGreaterThanOrEqual(ATTEMPTED.length * 4);
    expect(seen.lostData).toBe(0);
    expect(seen.lostDirectory).toBeGreaterThan(0);
  }, 120_000);
});

describe("run store: every crash state with deferred result fsyncs (the engine's default)", () => {
  it("never loses an acknowledged record; only a deferred result or the append in flight", async () => {
    const trace = await recordWorkflowDeferred();
    const report = await enumerateCrashStates(trace, {
      random: createSeed(8).stream("fs-crash-states"),
      check: async (state) => {
        // Beyond the acknowledged prefix: the deferred result and the intent in flight.
        await recoverRunStore(state, 2);
      },
    });
    console.info(
      `run store crash states, deferred results: ${trace.ops.length} ops, ${report.states} states checked, ${report.failures.length} failures`,
    );
    expect(failureLines(report)).toEqual([]);
    // The empty journal's creation, then one fsync per intent (covering the
    // result before it) and the snapshot's flush of the last result: 9, not 15.
    const journalSyncs = trace.ops.filter(
      (op) => op.kind === "fsync" && op.path.endsWith("/journal.ndjson"),
    );
    expect(journalSyncs).toHaveLength(1 + PHASES.length + 1);
  }, 120_000);
});

// The same checker over a tiny state file: the naive writer (in place, no
// fsync, no directory fsync) must be caught; the atomic writer must pass.

const STATE_FILE = "/repo/state.json";
const VERSIONS = 5;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function writeNaively(fs: FileSystem, data: Uint8Array): Promise<void> {
  const handle = await fs.open(STATE_FILE, "w");
  await writeAll(handle, data);
  await handle.close();
}

async function writeAtomically(fs: FileSystem, data: Uint8Array, seedRoot: number): Promise<void> {
  await writeFileAtomic({
    fs,
    random: createSeed(seedRoot).stream("temp"),
    path: STATE_FILE,
    data,
  });
}

async function recordStateWrites(
  write: (fs: FileSystem, data: Uint8Array, version: number) => Promise<void>,
): Promise<Trace> {
  const fs = faultFs(99);
  await fs.mkdir("/repo");
  await fs.syncDirectory("/");
  for (let version = 1; version <= VERSIONS; version++) {
    await write(
      fs,
      encoder.encode(`${JSON.stringify({ version, padding: "x".repeat(40) })}\n`),
      version,
    );
    fs.mark("acknowledged", { version });
  }
  return fs.trace();
}

/** The acknowledged version (or the one in flight after it) must be on disk, whole. */
function checkStateFile(state: CrashState): void {
  const last = state.acknowledged.at(-1)?.data as { version: number } | undefined;
  if (last === undefined) return;
  if (!state.volume.existsSync(STATE_FILE)) {
    throw new Error(`lost: version ${last.version} was acknowledged but ${STATE_FILE} is missing`);
  }
  const text = decoder.decode(state.volume.readFileSync(STATE_FILE) as Uint8Array);
  let version: unknown;
  try {
    version = (JSON.parse(text) as { version?: unknown }).version;
  } catch {
    throw new Error(
      `torn: version ${last.version} was acknowledged but the file holds ${JSON.stringify(text.slice(0, 20))}`,
    );
  }
  if (version !== last.version && version !== last.version + 1) {
    throw new Error(
      `stale: version ${last.version} was acknowledged but the file holds version ${String(version)}`,
    );
  }
}

describe("crash-state enumeration: a naive state writer", () => {
  it("is caught losing and tearing acknowledged state (in place, no fsync, no directory fsync)", async () => {
    const report = await enumerateCrashStates(await recordStateWrites(writeNaively), {
      random: createSeed(7).stream("fs-crash-states"),
      check: checkStateFile,
    });
    const kinds = report.failures.map((failure) => failure.message.split(":")[0]);
    // Lost (create never made durable), stale (truncate and write lost),
    // torn (the in-place write cut short): 39 of the 64 states.
    expect(report.states).toBe(64);
    expect(kinds.filter((kind) => kind === "lost").length).toBe(13);
    expect(kinds.filter((kind) => kind === "stale").length).toBe(6);
    expect(kinds.filter((kind) => kind === "torn").length).toBe(20);
    expect(report.failures[0]?.description).toBe(
      "crash after op 4 of 12 (write /repo/state.json (67 bytes at 0)); lost: create /repo/state.json",
    );
    expect(report.failures[0]?.message).toBe(
      "lost: version 1 was acknowledged but /repo/state.json is missing",
    );
  });

  it("passes with the atomic writer (temp, fsync, rename, directory fsync) and the same checker", async () => {
    const report = await enumerateCrashStates(
      await recordStateWrites((fs, data, version) => writeAtomically(fs, data, version)),
      { random: createSeed(7).stream("fs-crash-states"), check: checkStateFile },
    );
    expect(failureLines(report)).toEqual([]);
    expect(report.states).toBeGreaterThan(VERSIONS * 6);
  });
});

describe("run store: a first append torn into garbage (found by the enumeration)", () => {
  it("opens as an empty run, saving the garbage aside, instead of refusing the run", async () => {
    const fs = faultFs(5);
    await fs.mkdir("/repo");
    const store = await createRunStore<State>(options(fs, 1001, 5));
    await store.abandon();
    // What a crash during the first append can leave: garbage, newlines included.
    const garbage = Uint8Array.from([0xff, 0xfe, 0x0a, 0xbe, 0xef, 0x0a, 0x00, 0x7b]);
    const journal = await fs.open(`${ROOT}/runs/${RUN_ID}/journal.ndjson`, "a");
    await writeAll(journal, garbage);
    await journal.close();
    const { store: reopened, loaded } = await openRunStore<State>(options(fs, 2002, 6));
    expect(loaded.records).toEqual([]);
    expect(loaded.snapshot).toBeUndefined();
    expect(loaded.recovery.droppedBytes).toBe(garbage.length);
    expect(loaded.recovery.journalBreak).toBe("line 1: not valid UTF-8");
    expect(loaded.recovery.journalTailSavedAs).toBe(
      `${ROOT}/runs/${RUN_ID}/journal.ndjson.tail-0.corrupt`,
    );
    expect(await fs.readFile(loaded.recovery.journalTailSavedAs as string)).toEqual(garbage);
    await reopened.close();
  });
});
