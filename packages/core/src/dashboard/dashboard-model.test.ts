import { describe, expect, it } from "vitest";
import { ErrorKind } from "../errors/index.js";
import type { RecordedEvent, WorkflowEvent } from "../monitor/index.js";
import { buildDashboardModel, type RunFeed } from "./dashboard-model.js";

const at = (second: number) => new Date(Date.UTC(2026, 10, 29, 10, 0, second)).toISOString();
const events = (list: [number, WorkflowEvent][]): RecordedEvent[] =>
  list.map(([second, event]) => ({ at: at(second), ...event }));
const cause = {
  code: "WFM-NET-RESET",
  kind: ErrorKind.Transient,
  message: "reset",
  guidance: "wait",
};
const chaos = { status: "absent" as const, path: "/repo/reports/latest/report.json" };

const r1: RunFeed = {
  runId: "r1",
  active: [],
  stored: {
    state: "running",
    title: "Add a greeting",
    phases: [
      { name: "issue", status: "completed", attempts: 1 },
      { name: "branch", status: "pending", attempts: 0 },
      { name: "push", status: "pending", attempts: 0 },
    ],
  },
  events: events([
    [0, { type: "run.started", runId: "r1", workflow: "dev" }],
    [1, { type: "phase.started", runId: "r1", phase: "issue", attempt: 1 }],
    [2, { type: "phase.completed", runId: "r1", phase: "issue", durationMs: 1000 }],
    [3, { type: "phase.started", runId: "r1", phase: "branch", attempt: 1 }],
    [4, { type: "phase.retrying", runId: "r1", phase: "branch", attempt: 1, delayMs: 500, cause }],
    [6, { type: "rate-limit.waiting", runId: "r1", target: "github", until: at(9), delayMs: 3000 }],
  ]),
};
const r2: RunFeed = {
  runId: "r2",
  active: [{ runId: "r2", level: "warning", code: "ALERT-RECOVERIES", message: "m" }],
  stored: undefined,
  events: events([
    [10, { type: "run.started", runId: "r2", workflow: "dev" }],
    [
      11,
      { type: "run.recovered", runId: "r2", droppedBytes: 12, snapshotsRejected: 1, detail: "d" },
    ],
    [12, { type: "run.resumed", runId: "r2", fromState: "running" }],
    [13, { type: "phase.failed", runId: "r2", phase: "issue", error: cause }],
    [14, { type: "run.paused", runId: "r2", error: cause }],
    [15, { type: "run.resumed", runId: "r2", fromState: "paused" }],
  ]),
};

describe("the dashboard model", () => {
  const model = buildDashboardModel({ repository: "/repo", runs: [r1, r2], problems: [], chaos });

  it("shows each run's phases live from its events, in the stored order, newest run first", () => {
    expect(model.runs.map((run) => [run.runId, run.state, run.title])).toEqual([
      ["r2", "running", undefined],
      ["r1", "running", "Add a greeting"],
    ]);
    expect(model.runs[1]?.phases).toEqual([
      { name: "issue", status: "completed", attempts: 1 },
      { name: "branch", status: "retrying", attempts: 1 },
      { name: "push", status: "pending", attempts: 0 },
    ]);
    expect(model.runs[0]?.phases).toEqual([{ name: "issue", status: "failed", attempts: 0 }]);
    // Resumed after the pause: the pause's error is no longer the run's.
    expect(model.runs[0]?.lastError).toBe(undefined);
    expect(model.runs[1]).toMatchObject({
      retries: 1,
      attemptsEnded: 2,
      attemptsFailed: 1,
      timeWaitingMs: 3000,
    });
  });

  it("counts recoveries and resumes by what they resumed from", () => {
    expect(model.recovery).toEqual({
      recovered: 1,
      droppedBytes: 12,
      snapshotsRejected: 1,
      resumes: 2,
      resumedAfterInterruption: 1,
      resumedAfterPause: 1,
      runsResumed: 1,
    });
    expect(model.alerts).toEqual(r2.active);
  });

  it("buckets attempts, retries and rate-limit waits over time", () => {
    expect(model.health).toMatchObject({
      runs: 2,
      attemptsEnded: 3,
      attemptsFailed: 2,
      errorRate: 2 / 3,
      retries: 1,
      timeWaitingMs: 3000,
      bucketMs: 1000,
    });
    expect(model.health.series).toHaveLength(16);
    expect(model.health.series[4]).toEqual({
      at: at(4),
      attemptsEnded: 1,
      attemptsFailed: 1,
      retries: 1,
      waitingMs: 0,
    });
    expect(model.health.series[6]).toEqual({
      at: at(6),
      attemptsEnded: 0,
      attemptsFailed: 0,
      retries: 0,
      waitingMs: 3000,
    });
  });

  it("leaves events older than a day before the newest out of the series", () => {
    const old: RunFeed = {
      runId: "old",
      active: [],
      stored: undefined,
      events: [
        { at: "2026-01-01T00:00:00.000Z", type: "run.started", runId: "old", workflow: "dev" },
      ],
    };
    const withOld = buildDashboardModel({
      repository: "/repo",
      runs: [r1, old],
      problems: [],
      chaos,
    });
    expect(withOld.health.bucketMs).toBe(1000);
    expect(withOld.health.series[0]?.at).toBe(at(0));
    expect(withOld.health.runs).toBe(2);
  });
});
