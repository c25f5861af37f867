import { describe, expect, it } from "vitest";
import type { ErrorSummary, RecordedEvent } from "./events.js";
import { computeHealth, nearestRank } from "./health.js";

const cause: ErrorSummary = {
  code: "WFM-GITHUB-UNAVAILABLE",
  kind: "transient",
  message: "502",
  guidance: "Wait.",
};
const at = "2026-01-01T00:00:00.000Z";

// Two runs: r1 retries `branch` once and `push` twice before `push` fails;
// r2 completes `issue` four times over resumes, degrades `docs`, skips `lint`.
const EVENTS: RecordedEvent[] = [
  { at, type: "run.started", runId: "r1", workflow: "dev" },
  { at, type: "phase.started", runId: "r1", phase: "issue", attempt: 1 },
  { at, type: "phase.completed", runId: "r1", phase: "issue", durationMs: 120 },
  { at, type: "phase.started", runId: "r1", phase: "branch", attempt: 1 },
  { at, type: "phase.retrying", runId: "r1", phase: "branch", attempt: 1, delayMs: 1000, cause },
  { at, type: "phase.started", runId: "r1", phase: "branch", attempt: 2 },
  { at, type: "phase.completed", runId: "r1", phase: "branch", durationMs: 40 },
  { at, type: "rate-limit.waiting", runId: "r1", target: "github", until: at, delayMs: 60_000 },
  { at, type: "phase.started", runId: "r1", phase: "push", attempt: 1 },
  { at, type: "phase.retrying", runId: "r1", phase: "push", attempt: 1, delayMs: 500, cause },
  { at, type: "phase.started", runId: "r1", phase: "push", attempt: 2 },
  { at, type: "phase.retrying", runId: "r1", phase: "push", attempt: 2, delayMs: 900, cause },
  { at, type: "phase.started", runId: "r1", phase: "push", attempt: 3 },
  { at, type: "phase.failed", runId: "r1", phase: "push", error: cause },
  { at, type: "run.recovered", runId: "r1", droppedBytes: 12, snapshotsRejected: 0, detail: "" },
  { at, type: "run.started", runId: "r2", workflow: "dev" },
  { at, type: "phase.started", runId: "r2", phase: "issue", attempt: 1 },
  { at, type: "phase.completed", runId: "r2", phase: "issue", durationMs: 80 },
  { at, type: "phase.completed", runId: "r2", phase: "issue", durationMs: 100 },
  { at, type: "phase.completed", runId: "r2", phase: "issue", durationMs: 300 },
  { at, type: "phase.completed", runId: "r2", phase: "issue", durationMs: 90 },
  { at, type: "phase.degraded", runId: "r2", phase: "docs", reason: "no docs tool" },
  { at, type: "phase.skipped", runId: "r2", phase: "lint", reason: "not configured" },
  { at, type: "rate-limit.waiting", runId: "r2", target: "github", until: at, delayMs: 30_000 },
  { at, type: "run.recovered", runId: "r2", droppedBytes: 0, snapshotsRejected: 1, detail: "" },
  { at, type: "alert", runId: "r2", level: "info", code: "X", message: "ignored" },
];

describe("health metrics", () => {
  it("derives exact numbers from a fixed event list", () => {
    expect(computeHealth(EVENTS)).toEqual({
      runs: 2,
      phasesStarted: 7,
      phasesFailed: 1,
      attemptsEnded: 11,
      attemptsFailed: 5,
      errorRate: 5 / 11,
      retries: 3,
      retriesByPhase: { branch: 1, push: 2 },
      timeWaitingMs: 90_000,
      phaseDurations: {
        issue: { count: 5, p50: 100, p95: 300, max: 300 },
        branch: { count: 1, p50: 40, p95: 40, max: 40 },
      },
      recoveries: 2,
    });
  });

  it("is all zeros for no events", () => {
    expect(computeHealth([])).toEqual({
      runs: 0,
      phasesStarted: 0,
      phasesFailed: 0,
      attemptsEnded: 0,
      attemptsFailed: 0,
      errorRate: 0,
      retries: 0,
      retriesByPhase: {},
      timeWaitingMs: 0,
      phaseDurations: {},
      recoveries: 0,
    });
  });
});

describe("nearest-rank percentiles", () => {
  it("picks the smallest value with at least p% at or below it", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    expect(nearestRank(twenty, 50)).toBe(100);
    expect(nearestRank(twenty, 95)).toBe(190);
    expect(nearestRank(twenty, 100)).toBe(200);
    expect(nearestRank(twenty, 0)).toBe(10);
    expect(nearestRank([], 50)).toBe(0);
  });
});
