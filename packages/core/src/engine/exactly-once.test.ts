import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { isWorkflowMasterError } from "../errors/index.js";
import type { FaultPoints } from "../ports/index.js";
import { FAULT_POINTS, FaultPoint, nodePorts } from "../ports/index.js";
import { createEngine } from "./engine.js";
import type { Hit } from "./fixtures/helpers.js";
import {
  CrashSentinel,
  crashAtHit,
  processLives,
  recordingFaultPoints,
  tempDir,
  testPorts,
} from "./fixtures/helpers.js";
import type { LedgerValue } from "./fixtures/ledger-workflow.js";
import { auditLedger, LEDGER_PHASES, ledgerWorkflow } from "./fixtures/ledger-workflow.js";
import type { RunOutcome } from "./index.js";

/**
 * Exactly once: a workflow of five counted side effects (lines in a ledger
 * file, "the world") is interrupted at every fault-point hit the engine and
 * the run store make, then resumed by a fresh engine, as after a restart,
 * until it completes. Every effect must be applied exactly once (no key
 * twice: duplicates; no key missing: lost) and every run must end
 * `completed`. First by throwing at the hit (an in-process crash), then by
 * a real SIGKILL of a child process at the hit.
 */

const RUN_ID = "order-1";
const ORDER = "o1";
const input = { order: ORDER };
const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const CHILD = fileURLToPath(new URL("./fixtures/exactly-once-child.ts", import.meta.url));

const dirs: Awaited<ReturnType<typeof tempDir>>[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => dir.cleanup()));
});

async function freshDir() {
  const tmp = await tempDir("wfm-exactly-once-");
  dirs.push(tmp);
  return { ...tmp, ledger: join(tmp.dir, "ledger.ndjson") };
}

/** A hit labelled with the phase whose turn it falls in ("(start)" / "(end)" outside them). */
interface LabelledHit extends Hit {
  n: number;
  turn: string;
}

/** Runs the workflow once without faults, recording every hit and whose turn it was. */
async function dryRun(): Promise<LabelledHit[]> {
  const tmp = await freshDir();
  const recording = recordingFaultPoints();
  let turn = "(start)";
  const turns: string[] = [];
  const faultPoints: FaultPoints = {
    async hit(point, context) {
      await recording.hit(point, context);
      turns.push(turn);
    },
  };
  const engine = createEngine({
    ports: testPorts({ faultPoints }),
    root: tmp.root,
    // A snapshot after every phase: every fault point in every phase's turn.
    snapshotEvery: 1,
    // The resource check runs first in each phase's turn; a checkpoint ends it.
    resourceCheck: async (phase) => {
      turn = phase;
      return undefined;
    },
    sinks: [
      {
        emit(event) {
          if (event.type === "phase.checkpointed") turn = "(end)";
        },
      },
    ],
  });
  const outcome = await engine.start(ledgerWorkflow(tmp.ledger), { runId: RUN_ID, input });
  if (outcome.state !== "completed") {
    throw new Error(`the dry run ended ${outcome.state}: ${outcome.error?.message ?? ""}`);
  }
  return recording.hits.map((hit, index) => ({ ...hit, n: index + 1, turn: turns[index] ?? "" }));
}

function isRestartable(error: unknown): boolean {
  // A crash before the first record: there is no run to resume yet; start again.
  return (
    isWorkflowMasterError(error) &&
    (error.code === "WFM-RUN-NOT-FOUND" || error.code === "WFM-RUN-NOT-STARTED")
  );
}

type Ended = Pick<RunOutcome, "state" | "snapshot">;

/**
 * Resumes (or restarts a never-started run) with fresh engines until the run
 * ends. A crash after `run.completed` was journaled leaves a finished run:
 * resume refuses it (WFM-RUN-TERMINAL) and `status` tells the outcome.
 */
async function recover(
  engineFor: (faultPoints?: FaultPoints) => ReturnType<typeof createEngine>,
  ledger: string,
  firstFaults?: FaultPoints,
): Promise<{ outcome: Ended; restarts: number; crashes: number; alreadyEnded: boolean }> {
  const workflow = ledgerWorkflow(ledger);
  let restarts = 0;
  let crashes = 0;
  for (let turn = 0; turn < 6; turn += 1) {
    const engine = engineFor(turn === 0 ? firstFaults : undefined);
    try {
      const outcome = await engine.resume(workflow, RUN_ID);
      return { outcome, restarts, crashes, alreadyEnded: false };
    } catch (error) {
      if (error instanceof CrashSentinel) {
        crashes += 1;
        continue;
      }
      if (isWorkflowMasterError(error) && error.code === "WFM-RUN-TERMINAL") {
        const snapshot = await engineFor().status(RUN_ID);
        return {
          outcome: { state: snapshot.state, snapshot },
          restarts,
          crashes,
          alreadyEnded: true,
        };
      }
      if (!isRestartable(error)) throw error;
    }
    restarts += 1;
    try {
      return {
        outcome: await engineFor().start(workflow, { runId: RUN_ID, input }),
        restarts,
        crashes,
        alreadyEnded: false,
      };
    } catch (error) {
      if (!(error instanceof CrashSentinel)) throw error;
      crashes += 1;
    }
  }
  throw new Error("the run did not complete after 6 recoveries");
}

function expectedValues(): LedgerValue[] {
  return LEDGER_PHASES.map((phase, index) => ({
    key: `${RUN_ID}/${ORDER}/${phase}`,
    phase,
    after: index === 0 ? null : `${RUN_ID}/${ORDER}/${LEDGER_PHASES[index - 1]}`,
  }));
}

interface Tally {
  interruptions: number;
  /** Crashed before the first record: started again. */
  restarts: number;
  /** Crashed after completion was journaled: resume found it finished. */
  alreadyEnded: number;
  duplicates: number;
  lost: number;
  completed: number;
  runs: number;
}

function tally(): Tally {
  return {
    interruptions: 0,
    restarts: 0,
    alreadyEnded: 0,
    duplicates: 0,
    lost: 0,
    completed: 0,
    runs: 0,
  };
}

async function check(tallied: Tally, ledger: string, outcome: Ended): Promise<void> {
  const audit = await auditLedger(ledger, RUN_ID, ORDER);
  tallied.runs += 1;
  tallied.duplicates += audit.duplicates.length;
  tallied.lost += audit.lost.length;
  if (outcome.state === "completed") tallied.completed += 1;
  expect(audit).toEqual({ duplicates: [], lost: [], applied: LEDGER_PHASES.length });
  expect(outcome.state).toBe("completed");
  expect(outcome.snapshot.phases.map((phase) => phase.value)).toEqual(expectedValues());
}

const hits = await dryRun();

describe("the fault points an interrupted run can stop at", () => {
  it("hits every engine and run-store fault point in every phase's turn", () => {
    const phasePoints = [
      FaultPoint.JournalWritten,
      FaultPoint.JournalSynced,
      FaultPoint.PhaseIntentRecorded,
      FaultPoint.PhaseEffectApplied,
      FaultPoint.JournalWritten,
      // The result's fsync is deferred: the snapshot flushes it first.
      FaultPoint.PhaseResultRecorded,
      FaultPoint.JournalSynced,
      FaultPoint.SnapshotTempSynced,
      FaultPoint.SnapshotRenamed,
      FaultPoint.SnapshotDirectorySynced,
    ];
    for (const phase of LEDGER_PHASES) {
      expect(hits.filter((hit) => hit.turn === phase).map((hit) => hit.point)).toEqual(phasePoints);
    }
    expect(hits.filter((hit) => hit.turn === "(start)").map((hit) => hit.point)).toEqual([
      FaultPoint.LockAcquired,
      FaultPoint.JournalWritten,
      FaultPoint.JournalSynced,
    ]);
    expect(hits.filter((hit) => hit.turn === "(end)").map((hit) => hit.point)).toEqual([
      FaultPoint.JournalWritten,
      FaultPoint.JournalSynced,
      FaultPoint.SnapshotTempSynced,
      FaultPoint.SnapshotRenamed,
      FaultPoint.SnapshotDirectorySynced,
    ]);
    expect(hits).toHaveLength(3 + 10 * LEDGER_PHASES.length + 5);
    // The points never hit by a forward run belong to rollback or other modules.
    const hitPoints = new Set(hits.map((hit) => hit.point));
    expect(FAULT_POINTS.filter((point) => !hitPoints.has(point))).toEqual([
      FaultPoint.PhaseCompensated,
      FaultPoint.GithubIssueCreated,
      FaultPoint.GithubPullRequestCreated,
      FaultPoint.GitCommitCreated,
      FaultPoint.GitPushCompleted,
    ]);
  });
});

describe("exactly once under an in-process crash at every hit", () => {
  it("applies every effect exactly once and completes after a crash at each of the hits", async () => {
    const totals = tally();
    const secondCrashes = { injected: 0 };
    for (const hit of hits) {
      const tmp = await freshDir();
      const lives = processLives();
      const engineFor = (faultPoints?: FaultPoints) =>
        createEngine({
          ports: testPorts({
            spawner: lives.next(),
            ...(faultPoints === undefined ? {} : { faultPoints }),
          }),
          root: tmp.root,
          snapshotEvery: 1,
        });
      const crash = crashAtHit(hit.n);
      const workflow = ledgerWorkflow(tmp.ledger);
      const thrown = await engineFor(crash)
        .start(workflow, { runId: RUN_ID, input })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(thrown).toBeInstanceOf(CrashSentinel);
      expect((thrown as CrashSentinel).hit).toBe(hit.n);
      expect((thrown as CrashSentinel).point).toBe(hit.point);
      totals.interruptions += 1;
      // Crash the first recovery too, at a hit that cycles through its first 13.
      const second = crashAtHit(1 + ((hit.n * 5) % 13));
      const recovered = await recover(engineFor, tmp.ledger, second);
      if (second.fired) secondCrashes.injected += 1;
      totals.interruptions += recovered.crashes;
      totals.restarts += recovered.restarts;
      if (recovered.alreadyEnded) totals.alreadyEnded += 1;
      await check(totals, tmp.ledger, recovered.outcome);
    }
    console.info(
      `exactly-once (thrown): ${hits.length} crash points, ${totals.interruptions} interruptions (${secondCrashes.injected} during recovery), duplicates ${totals.duplicates}, lost ${totals.lost}, completed ${totals.completed}/${totals.runs} (${totals.restarts} restarted before their first record, ${totals.alreadyEnded} found already completed)`,
    );
    expect(totals).toEqual({
      interruptions: hits.length + secondCrashes.injected,
      restarts: totals.restarts,
      alreadyEnded: totals.alreadyEnded,
      duplicates: 0,
      lost: 0,
      completed: hits.length,
      runs: hits.length,
    });
    expect(secondCrashes.injected).toBeGreaterThan(hits.length / 2);
  }, 120_000);
});

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@workflowmaster/source", CHILD, ...args],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `work` over `items`, `width` at a time, in order of start. */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await work(item);
      }
    }),
  );
}

describe("exactly once under a real SIGKILL", () => {
  it("runs the same hits in a child process as in the dry run", async () => {
    const tmp = await freshDir();
    const result = await runChild([tmp.root, tmp.ledger, RUN_ID, "start", "0"]);
    expect(result.stderr).toBe("");
    expect(result.signal).toBeNull();
    expect(JSON.parse(result.stdout)).toEqual({ state: "completed", hits: hits.length });
  });

  it("applies every effect exactly once and completes after a SIGKILL at each hit of three phases and outside them", async () => {
    const chosen = hits.filter((hit) =>
      ["(start)", "reserve", "ship", "close", "(end)"].includes(hit.turn),
    );
    const totals = tally();
    await inParallel(chosen, 2, async (hit) => {
      const tmp = await freshDir();
      const killed = await runChild([tmp.root, tmp.ledger, RUN_ID, "start", String(hit.n)]);
      expect({ signal: killed.signal, stdout: killed.stdout, stderr: killed.stderr }).toEqual({
        signal: "SIGKILL",
        stdout: "",
        stderr: "",
      });
      totals.interruptions += 1;
      // The restart: this process, whose pid differs from the dead holder's.
      const recovered = await recover(
        () => createEngine({ ports: nodePorts(), root: tmp.root, snapshotEvery: 1 }),
        tmp.ledger,
      );
      totals.restarts += recovered.restarts;
      if (recovered.alreadyEnded) totals.alreadyEnded += 1;
      await check(totals, tmp.ledger, recovered.outcome);
    });
    console.info(
      `exactly-once (SIGKILL): ${chosen.length} kill points, ${totals.interruptions} real SIGKILLs, duplicates ${totals.duplicates}, lost ${totals.lost}, completed ${totals.completed}/${totals.runs} (${totals.restarts} restarted before their first record, ${totals.alreadyEnded} found already completed)`,
    );
    expect(totals).toEqual({
      interruptions: chosen.length,
      restarts: 1,
      alreadyEnded: 5,
      duplicates: 0,
      lost: 0,
      completed: chosen.length,
      runs: chosen.length,
    });
    expect(chosen).toHaveLength(3 + 3 * 10 + 5);
  }, 120_000);
});
