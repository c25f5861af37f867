import { describe, expect, it } from "vitest";
import {
  evaluateAlerts,
  formatDuration,
  type MaybeTimedEvent,
  parseAlertThresholds,
  phaseStall,
} from "./alerts.js";
import type { ErrorSummary, WorkflowEvent } from "./events.js";

const cause: ErrorSummary = {
  code: "WFM-GITHUB-UNAVAILABLE",
  kind: "transient",
  message: "502",
  guidance: "Wait.",
};
const retrying = (runId: string, phase = "push"): WorkflowEvent => ({
  type: "phase.retrying",
  runId,
  phase,
  attempt: 1,
  delayMs: 100,
  cause,
});
const completed = (runId: string): WorkflowEvent => ({
  type: "phase.completed",
  runId,
  phase: "issue",
  durationMs: 10,
});
const waiting = (runId: string, delayMs: number): WorkflowEvent => ({
  type: "rate-limit.waiting",
  runId,
  target: "github",
  until: "2026-01-01T00:15:00.000Z",
  delayMs,
});
const recovered = (runId: string): WorkflowEvent => ({
  type: "run.recovered",
  runId,
  droppedBytes: 0,
  snapshotsRejected: 0,
  detail: "",
});
const diskLow = (runId: string, available: number): WorkflowEvent => ({
  type: "resource.low",
  runId,
  resource: "disk",
  available,
  threshold: 64 * 1024 * 1024,
});
const times = (n: number, make: () => WorkflowEvent) => Array.from({ length: n }, make);

describe("alert thresholds", () => {
  it("fills in the documented defaults", () => {
    expect(parseAlertThresholds()).toEqual({
      errorRate: 0.2,
      errorRateWindow: 10,
      errorRateMinAttempts: 5,
      retriesPerRun: 10,
      rateLimitWaitMs: 900_000,
      recoveriesPerRun: 3,
      minFreeDiskBytes: 67_108_864,
      phaseStalledMs: 900_000,
      phaseStalledMsByPhase: {},
    });
  });

  it("refuses bad thresholds with a TypeError naming the field", () => {
    expect(() => parseAlertThresholds({ errorRate: 2 })).toThrow(
      new TypeError("Invalid alert thresholds: `errorRate`: Too big: expected number to be <=1."),
    );
    expect(() => parseAlertThresholds({ errorRateWindow: 3, errorRateMinAttempts: 5 })).toThrow(
      "Invalid alert thresholds: `errorRateMinAttempts`: must not exceed `errorRateWindow`.",
    );
    expect(() => parseAlertThresholds({ retries: 3 } as never)).toThrow(
      'Unrecognized key: "retries"',
    );
  });
});

describe("evaluating alerts", () => {
  it("raises nothing at the default thresholds exactly", () => {
    const events = [
      ...times(8, () => completed("r1")),
      ...times(2, () => retrying("r1")), // 2 of 10 = 0.2, not above
      ...times(8, () => retrying("r1", "issue")), // 10 retries in all, not above
      waiting("r1", 900_000),
      ...times(3, () => recovered("r1")),
      diskLow("r1", 64 * 1024 * 1024),
    ];
    // The last 10 attempts are all retries here, so give the window successes last.
    expect(evaluateAlerts([...events, ...times(10, () => completed("r1"))])).toEqual([]);
  });

  it("raises each alert just above its threshold, with an exact message", () => {
    const events = [
      ...times(11, () => retrying("r1")),
      waiting("r1", 960_000),
      ...times(4, () => recovered("r1")),
      diskLow("r1", 12 * 1024 * 1024),
      diskLow("r1", 30 * 1024 * 1024),
    ];
    expect(evaluateAlerts(events)).toEqual([
      {
        runId: "r1",
        level: "warning",
        code: "ALERT-ERROR-RATE",
        message: "10 of the last 10 phase attempts failed (100%, threshold 20%).",
      },
      {
        runId: "r1",
        level: "warning",
        code: "ALERT-RETRIES",
        message: "11 retries in this run (threshold 10); most in phase `push` (11).",
      },
      {
        runId: "r1",
        level: "warning",
        code: "ALERT-RATE-LIMIT-WAIT",
        message: "Waited 16 min for rate limits in this run (threshold 15 min).",
      },
      {
        runId: "r1",
        level: "warning",
        code: "ALERT-RECOVERIES",
        message:
          "Run state had to be recovered 4 times (threshold 3): check the disk and what is killing the process.",
      },
      {
        runId: "r1",
        level: "critical",
        code: "ALERT-DISK-LOW",
        message:
          "Free disk space fell to 12 MiB (threshold 64 MiB); the run pauses before writing until space is freed.",
      },
    ]);
  });

  it("judges the error rate over the last N attempts only, once enough have ended", () => {
    const t = { errorRate: 0.25, errorRateWindow: 4, errorRateMinAttempts: 3 };
    // Two failures long ago, then four successes: the window is clean.
    expect(
      evaluateAlerts([...times(2, () => retrying("r1")), ...times(4, () => completed("r1"))], t),
    ).toEqual([]);
    // Two failures among two attempts: too few to judge.
    expect(
      evaluateAlerts(
        times(2, () => retrying("r1")),
        t,
      ),
    ).toEqual([]);
    // 2 failures in the last 4: 50% > 25%.
    const alerts = evaluateAlerts(
      [...times(4, () => completed("r1")), retrying("r1"), completed("r1"), retrying("r1")],
      t,
    );
    expect(alerts.map((a) => [a.code, a.message])).toEqual([
      ["ALERT-ERROR-RATE", "2 of the last 4 phase attempts failed (50%, threshold 25%)."],
    ]);
  });

  it("keeps runs apart", () => {
    const events = [
      ...times(6, () => retrying("a")),
      ...times(6, () => retrying("b")),
      recovered("a"),
      recovered("a"),
    ];
    const alerts = evaluateAlerts(events, { retriesPerRun: 10, recoveriesPerRun: 1 });
    expect(alerts.map((a) => `${a.runId} ${a.code}`)).toEqual([
      "a ALERT-ERROR-RATE",
      "a ALERT-RECOVERIES",
      "b ALERT-ERROR-RATE",
    ]);
  });
});

describe("a stalled phase", () => {
  const T0 = Date.UTC(2026, 0, 1);
  const at = (ms: number) => new Date(T0 + ms).toISOString();
  const timed = (ms: number, event: WorkflowEvent): MaybeTimedEvent => ({ ...event, at: at(ms) });
  const started = (phase: string, attempt = 1): WorkflowEvent => ({
    type: "phase.started",
    runId: "r1",
    phase,
    attempt,
  });
  const stalledCodes = (events: MaybeTimedEvent[], now: number, thresholds = {}) =>
    evaluateAlerts(events, thresholds, T0 + now).map((alert) => alert.code);
  const MIN = 60_000;

  it("raises ALERT-PHASE-STALLED only once the open phase is quiet strictly longer than the threshold", () => {
    const events = [
      timed(0, { type: "run.started", runId: "r1", workflow: "dev" }),
      timed(1000, started("push")),
    ];
    expect(stalledCodes(events, 1000 + 15 * MIN)).toEqual([]);
    expect(evaluateAlerts(events, {}, T0 + 1001 + 15 * MIN)).toEqual([
      {
        runId: "r1",
        level: "warning",
        code: "ALERT-PHASE-STALLED",
        message:
          "Phase `push` (attempt 1) has had no event for 15 min (threshold 15 min): the process may be hung or gone. Check it with `workflowmaster status r1`; if no process is running it, `workflowmaster resume r1`.",
      },
    ]);
  });

  it("is not judged without `now`, so existing callers see what they always saw", () => {
    const events = [timed(0, started("push"))];
    expect(evaluateAlerts(events)).toEqual([]);
    expect(evaluateAlerts(events, {})).toEqual([]);
  });

  it("counts any event of the run as activity, but not alerts", () => {
    const events = [
      timed(0, started("implement")),
      timed(5 * MIN, { type: "phase.checkpointed", runId: "r1", phase: "implement", seq: 3 }),
      timed(6 * MIN, {
        type: "alert",
        runId: "r1",
        level: "warning",
        code: "ALERT-RETRIES",
        message: "x",
      }),
    ];
    expect(stalledCodes(events, 20 * MIN)).toEqual([]);
    expect(stalledCodes(events, 20 * MIN + 1)).toEqual(["ALERT-PHASE-STALLED"]);
  });

  it("starts the quiet spell after an announced retry delay or rate-limit wait", () => {
    const retry = timed(0, {
      type: "phase.retrying",
      runId: "r1",
      phase: "push",
      attempt: 1,
      delayMs: 10 * MIN,
      cause,
    });
    expect(stalledCodes([timed(0, started("push")), retry], 25 * MIN)).toEqual([]);
    expect(stalledCodes([timed(0, started("push")), retry], 25 * MIN + 1)).toEqual([
      "ALERT-PHASE-STALLED",
    ]);
    const wait = timed(0, {
      type: "rate-limit.waiting",
      runId: "r1",
      target: "github",
      until: at(50 * MIN),
      delayMs: 10 * MIN,
    });
    expect(stalledCodes([timed(0, started("issue")), wait], 65 * MIN)).toEqual([]);
    expect(stalledCodes([timed(0, started("issue")), wait], 65 * MIN + 1)).toEqual([
      "ALERT-PHASE-STALLED",
    ]);
  });

  it("does not alert once the phase or the run has ended", () => {
    for (const end of [
      { type: "phase.completed", runId: "r1", phase: "push", durationMs: 1 },
      { type: "phase.failed", runId: "r1", phase: "push", error: cause },
      { type: "run.paused", runId: "r1", error: cause },
    ] as WorkflowEvent[]) {
      expect(stalledCodes([timed(0, started("push")), timed(1, end)], 99 * MIN)).toEqual([]);
    }
  });

  it("uses a phase's own threshold when one is given", () => {
    const events = [timed(0, started("implement"))];
    const thresholds = { phaseStalledMsByPhase: { implement: 61 * MIN } };
    expect(stalledCodes(events, 61 * MIN, thresholds)).toEqual([]);
    expect(stalledCodes(events, 61 * MIN + 1, thresholds)).toEqual(["ALERT-PHASE-STALLED"]);
    expect(stalledCodes([timed(0, started("push"))], 15 * MIN + 1, thresholds)).toEqual([
      "ALERT-PHASE-STALLED",
    ]);
  });

  it("skips events without a time", () => {
    expect(stalledCodes([started("push")], 99 * MIN)).toEqual([]);
  });

  it("names the open phase and when it counts as stalled", () => {
    expect(
      phaseStall(
        [timed(0, started("push")), timed(7, started("push", 2))],
        parseAlertThresholds({ phaseStalledMs: 100 }),
      ),
    ).toEqual({
      phase: "push",
      attempt: 2,
      quietUntil: T0 + 7,
      thresholdMs: 100,
      stalledAfter: T0 + 107,
    });
  });
});

describe("durations for people", () => {
  it("reads as seconds, minutes and hours", () => {
    expect([0, 44_600, 60_000, 61_000, 900_001, 3_600_000, 3_900_000].map(formatDuration)).toEqual([
      "0 s",
      "45 s",
      "1 min",
      "1 min 1 s",
      "15 min",
      "1 h",
      "1 h 5 min",
    ]);
  });
});
