import { describe, expect, it } from "vitest";
import type { RunSnapshot } from "../engine/index.js";
import type { RecordedEvent } from "../monitor/index.js";
import { watchView } from "./watch-view.js";

const T0 = Date.UTC(2026, 0, 1, 14, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();

const snapshot: RunSnapshot = {
  runId: "r1",
  workflow: "dev",
  input: { title: "Add greeting" },
  state: "running",
  phases: [
    { name: "issue", status: "completed", attempts: 1, effect: "applied" },
    { name: "push", status: "intent", attempts: 1, effect: "unknown" },
  ],
  seq: 4,
  fence: 1,
  createdAt: at(0),
  updatedAt: at(0),
};

const events: RecordedEvent[] = [
  { at: at(0), type: "run.started", runId: "r1", workflow: "dev" },
  { at: at(1000), type: "phase.started", runId: "r1", phase: "push", attempt: 1 },
  {
    at: at(2000),
    type: "rate-limit.waiting",
    runId: "r1",
    target: "github",
    until: at(5 * 60_000 + 7000),
    delayMs: 5 * 60_000 + 5000,
  },
  {
    at: at(3000),
    type: "alert",
    runId: "r1",
    level: "warning",
    code: "ALERT-RETRIES",
    message: "11 retries in this run (threshold 10).",
  },
  {
    at: at(3000),
    type: "alert",
    runId: "r1",
    level: "critical",
    code: "ALERT-DISK-LOW",
    message: "Free disk space fell to 10 MiB.",
  },
  { at: at(4000), type: "alert.acknowledged", runId: "r1", code: "ALERT-DISK-LOW" },
];

describe("the live view of a run", () => {
  it("shows the phase in progress, active alerts and a rate-limit wait still running", () => {
    expect(watchView(snapshot, events, T0 + 60_000).map((line) => line.text)).toEqual([
      "Run r1: running — Add greeting",
      "  issue         completed (1 attempt)",
      "  push          running (attempt 1)",
      "  Alert:        [warning] ALERT-RETRIES: 11 retries in this run (threshold 10).",
      "  rate limited by github; resumes 14:05:07 UTC",
    ]);
  });

  it("adds the stalled-phase alert once the phase is quiet past the default threshold, and drops a wait that ended", () => {
    const lines = watchView(snapshot, events, T0 + 25 * 60_000);
    expect(lines.map((line) => line.key)).toEqual([
      "run",
      "phase:issue",
      "phase:push",
      "alert:ALERT-RETRIES",
      "alert:ALERT-PHASE-STALLED",
    ]);
    expect(lines[4]?.change).toBe("warning ALERT-PHASE-STALLED");
    expect(lines[4]?.text).toBe(
      "  Alert:        [warning] ALERT-PHASE-STALLED: Phase `push` (attempt 1) has had no event for 19 min 53 s (threshold 15 min): the process may be hung or gone. Check it with `workflowmaster status r1`; if no process is running it, `workflowmaster resume r1`.",
    );
  });

  it("prints hostile text from events as one plain line", () => {
    const hostile: RecordedEvent = {
      at: at(3000),
      type: "alert",
      runId: "r1",
      level: "warning",
      code: "ALERT-RECOVERIES",
      message: "bad\u001b[2J\nnews",
    };
    const lines = watchView(snapshot, [hostile], T0);
    expect(lines.at(-1)?.text).toBe("  Alert:        [warning] ALERT-RECOVERIES: bad [2J news");
  });
});
