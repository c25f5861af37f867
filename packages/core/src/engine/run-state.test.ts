import { describe, expect, it } from "vitest";
import type { JournalRecord } from "../state/run-store-types.js";
import type { PhaseStatus, RunSnapshot } from "./run-state.js";
import {
  canTransition,
  canTransitionPhase,
  fold,
  PHASE_TRANSITIONS,
  parseRunSnapshot,
  RUN_TRANSITIONS,
  RunState,
  reduce,
  TERMINAL_STATES,
} from "./run-state.js";

const error = {
  code: "WFM-RETRY-EXHAUSTED",
  kind: "transient" as const,
  message: "Gave up after 5 attempts",
  guidance: "Resume when the cause has cleared.",
  command: "workflowmaster resume r1",
};

function journal(...entries: [type: string, data: unknown][]): JournalRecord[] {
  return entries.map(([type, data], index) => ({
    seq: index + 1,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
    fence: 1,
    type,
    data,
    prevHash: "",
    sha256: "",
  }));
}

const created: [string, unknown] = [
  "run.created",
  { runId: "r1", workflow: "demo", phases: ["a", "b"], input: { title: "T" } },
];

function foldAll(records: JournalRecord[]): RunSnapshot {
  const state = fold(undefined, records);
  if (state === undefined) throw new Error("no state");
  return state;
}

function after(state: RunSnapshot, type: string, data: unknown): RunSnapshot {
  return reduce(state, {
    seq: state.seq + 1,
    at: "2026-01-01T01:00:00.000Z",
    fence: 1,
    type,
    data,
    prevHash: "",
    sha256: "",
  });
}

describe("run transitions", () => {
  it("lists exactly these legal run transitions in one table", () => {
    const legal = Object.entries(RUN_TRANSITIONS).flatMap(([from, tos]) =>
      tos.map((to) => `${from}→${to}`),
    );
    expect(legal).toEqual([
      "running→running",
      "running→paused",
      "running→completed",
      "running→failed",
      "running→rolling-back",
      "paused→running",
      "paused→rolling-back",
      "failed→rolling-back",
      "rolling-back→rolling-back",
      "rolling-back→rolled-back",
    ]);
    expect(canTransition("paused", "completed")).toBe(false);
    expect(canTransition("running", "completed")).toBe(true);
  });

  it("lets no terminal state be resumed, paused or completed", () => {
    expect(TERMINAL_STATES).toEqual(["completed", "failed", "rolled-back"]);
    for (const terminal of TERMINAL_STATES) {
      for (const to of ["running", "paused", "completed", "failed", "rolled-back"] as const) {
        expect(canTransition(terminal, to)).toBe(false);
      }
    }
    expect(RUN_TRANSITIONS.completed).toEqual([]);
    expect(RUN_TRANSITIONS["rolled-back"]).toEqual([]);
  });

  it("lists exactly these legal phase transitions in one table", () => {
    const legal = Object.entries(PHASE_TRANSITIONS).flatMap(([from, tos]) =>
      tos.map((to) => `${from}→${to}`),
    );
    expect(legal).toEqual([
      "pending→intent",
      "pending→failed",
      "pending→skipped",
      "pending→degraded",
      "intent→intent",
      "intent→completed",
      "intent→failed",
      "intent→degraded",
      "intent→compensated",
      "failed→intent",
      "failed→completed",
      "failed→failed",
      "failed→compensated",
      "completed→compensated",
      "degraded→compensated",
    ]);
    expect(canTransitionPhase("skipped" as PhaseStatus, "intent")).toBe(false);
  });
});

describe("terminal states are final", () => {
  const completed = foldAll(
    journal(
      created,
      ["phase.intent", { phase: "a", attempt: 1, key: "r1:a" }],
      ["phase.result", { phase: "a", value: 1, reconciled: false }],
      ["phase.intent", { phase: "b", attempt: 1, key: "r1:b" }],
      ["phase.result", { phase: "b", value: 2, reconciled: false }],
      ["run.completed", {}],
    ),
  );
  const failed = foldAll(
    journal(
      created,
      ["phase.failed", { phase: "a", error }],
      ["run.failed", { phase: "a", error }],
    ),
  );

  it("throws when a completed run would be resumed", () => {
    expect(completed.state).toBe("completed");
    expect(() => after(completed, "run.resumed", { fromState: "completed" })).toThrow(
      "Illegal run state change: run r1 cannot go from `completed` to `running` (`completed` is final).",
    );
  });

  it("throws when a failed run would be completed, paused or resumed", () => {
    expect(failed.state).toBe("failed");
    expect(() => after(failed, "run.completed", {})).toThrow(TypeError);
    expect(() => after(failed, "run.paused", { error })).toThrow(
      "Illegal run state change: run r1 cannot go from `failed` to `paused` (`failed` is final).",
    );
    expect(() => after(failed, "run.resumed", { fromState: "failed" })).toThrow(TypeError);
  });

  it("lets a failed run be rolled back, and then nothing more", () => {
    const rolling = after(failed, "run.rollback-started", { fromState: "failed" });
    const rolledBack = after(rolling, "run.rolled-back", { incomplete: [] });
    expect(rolledBack.state).toBe(RunState.RolledBack);
    expect(() => after(rolledBack, "run.rollback-started", { fromState: "rolled-back" })).toThrow(
      "(`rolled-back` is final)",
    );
  });

  it("refuses to complete a run with a phase still unfinished", () => {
    const started = foldAll(
      journal(created, ["phase.intent", { phase: "a", attempt: 1, key: "k" }]),
    );
    expect(() => after(started, "run.completed", {})).toThrow(
      "run r1 cannot complete with phase `a` still `intent`.",
    );
  });
});

describe("reduce folds journal records into a snapshot", () => {
  it("builds the exact snapshot of a run paused after a retried phase", () => {
    const state = foldAll(
      journal(
        created,
        ["phase.intent", { phase: "a", attempt: 1, key: "r1:a" }],
        ["phase.reconciled", { phase: "a", found: false }],
        ["phase.intent", { phase: "a", attempt: 2, key: "r1:a" }],
        ["phase.result", { phase: "a", value: { issue: 7 }, reconciled: false }],
        ["phase.intent", { phase: "b", attempt: 1, key: "r1:b" }],
        ["phase.failed", { phase: "b", error }],
        ["run.paused", { phase: "b", error }],
      ),
    );
    expect(state).toEqual({
      runId: "r1",
      workflow: "demo",
      input: { title: "T" },
      state: "paused",
      phases: [
        {
          name: "a",
          status: "completed",
          attempts: 2,
          effect: "applied",
          key: "r1:a",
          value: { issue: 7 },
        },
        { name: "b", status: "failed", attempts: 1, effect: "unknown", key: "r1:b", error },
      ],
      lastError: error,
      seq: 8,
      fence: 1,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:07.000Z",
    });
  });

  it("never changes the snapshot it is given", () => {
    const before = foldAll(journal(created));
    const copy = structuredClone(before);
    after(before, "phase.intent", { phase: "a", attempt: 1, key: "k" });
    expect(before).toEqual(copy);
  });

  it("records skipped and degraded phases with their reasons, never as completed", () => {
    const state = foldAll(
      journal(
        created,
        ["phase.skipped", { phase: "a", reason: "no labels configured" }],
        ["phase.intent", { phase: "b", attempt: 1, key: "k" }],
        ["phase.degraded", { phase: "b", reason: "comment failed", error }],
        ["run.completed", {}],
      ),
    );
    expect(state.phases.map((phase) => [phase.name, phase.status, phase.reason])).toEqual([
      ["a", "skipped", "no labels configured"],
      ["b", "degraded", "comment failed"],
    ]);
    expect(state.state).toBe("completed");
  });

  it("marks a compensated effect, and keeps a failed compensation's error until it succeeds", () => {
    const done = foldAll(
      journal(
        created,
        ["phase.intent", { phase: "a", attempt: 1, key: "k" }],
        ["phase.result", { phase: "a", value: 1, reconciled: false }],
        ["run.rollback-started", { fromState: "running" }],
        ["phase.compensation", { phase: "a", ok: false, detail: "boom", error }],
      ),
    );
    expect(done.phases[0]).toMatchObject({ status: "completed", compensationError: error });
    const compensated = after(done, "phase.compensation", { phase: "a", ok: true });
    expect(compensated.phases[0]).toEqual({
      name: "a",
      status: "compensated",
      attempts: 1,
      effect: "compensated",
      key: "k",
      value: 1,
    });
  });
});

describe("reduce refuses an impossible journal", () => {
  it("throws when the first record is not run.created", () => {
    expect(() => fold(undefined, journal(["run.completed", {}]))).toThrow(
      "the first record (1) is `run.completed`, not `run.created`.",
    );
  });

  it("throws on an unknown record type", () => {
    expect(() => fold(undefined, journal(created, ["phase.teleported", {}]))).toThrow(
      "record 2 has unknown type `phase.teleported`.",
    );
  });

  it("throws on a gap in sequence numbers", () => {
    const state = foldAll(journal(created));
    expect(() =>
      reduce(state, { ...journal(["run.completed", {}])[0], seq: 3 } as JournalRecord),
    ).toThrow("record 3 follows record 1 of run r1.");
  });

  it("throws naming the bad field of a record's data", () => {
    expect(() =>
      fold(undefined, journal(created, ["phase.intent", { phase: "a", attempt: 0, key: "k" }])),
    ).toThrow("record 2 (phase.intent) has bad data at data.attempt:");
  });

  it("throws on a result without an intent, and on a skipped phase starting", () => {
    expect(() =>
      fold(undefined, journal(created, ["phase.result", { phase: "a", reconciled: false }])),
    ).toThrow("gives phase `a` a result without an intent.");
    expect(() =>
      fold(
        undefined,
        journal(
          created,
          ["phase.skipped", { phase: "a", reason: "r" }],
          ["phase.intent", { phase: "a", attempt: 1, key: "k" }],
        ),
      ),
    ).toThrow("phase `a` of run r1 cannot go from `skipped` to `intent`.");
  });

  it("throws on a phase the run does not have", () => {
    expect(() =>
      fold(undefined, journal(created, ["phase.intent", { phase: "zz", attempt: 1, key: "k" }])),
    ).toThrow("record 2 names phase `zz`, which run r1 has not.");
  });
});

describe("snapshots are serialisable and restorable", () => {
  it("restores exactly what JSON.stringify wrote", () => {
    const state = foldAll(
      journal(
        created,
        ["phase.intent", { phase: "a", attempt: 1, key: "r1:a" }],
        ["phase.result", { phase: "a", value: [1, "x"], reconciled: true }],
        ["phase.failed", { phase: "b", error }],
        ["run.paused", { phase: "b", error }],
      ),
    );
    const restored = parseRunSnapshot(JSON.parse(JSON.stringify(state)));
    expect(restored).toEqual(state);
    // The restored snapshot folds on like the original.
    expect(after(restored, "run.resumed", { fromState: "paused" }).state).toBe("running");
  });

  it("refuses a damaged snapshot, naming the bad field", () => {
    const state = foldAll(journal(created));
    expect(() => parseRunSnapshot({ ...state, state: "sleeping" })).toThrow(
      /^Invalid run snapshot: snapshot\.state /,
    );
    expect(() => parseRunSnapshot({ ...state, phases: [{ name: "a" }] })).toThrow(
      /^Invalid run snapshot: snapshot\.phases\.0\.status /,
    );
  });
});
