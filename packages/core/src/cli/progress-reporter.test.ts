import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../ports/index.js";
import { createProgressReporter } from "./progress-reporter.js";

function capture(interactive: boolean) {
  let text = "";
  const clock = createVirtualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const reporter = createProgressReporter({
    stream: { write: (chunk) => (text += chunk), isTTY: interactive, columns: 60 },
    clock,
    interactive,
  });
  return { reporter, clock, text: () => text };
}

const error = {
  code: "WFM-NET-RESET",
  kind: "transient" as const,
  message: "reset",
  guidance: "g",
};

describe("plain progress (not a terminal)", () => {
  it("prints one line per step with the time since the start, and nothing redrawn", () => {
    const { reporter, clock, text } = capture(false);
    reporter.emit({ type: "run.started", runId: "r1", workflow: "dev" });
    reporter.emit({ type: "phase.started", runId: "r1", phase: "issue", attempt: 1 });
    clock.advance(1500);
    reporter.emit({
      type: "phase.retrying",
      runId: "r1",
      phase: "issue",
      attempt: 1,
      delayMs: 2000,
      cause: error,
    });
    reporter.emit({
      type: "rate-limit.waiting",
      runId: "r1",
      target: "github",
      until: "2026-01-01T13:05:00.000Z",
      delayMs: 3_900_000,
    });
    reporter.emit({ type: "phase.started", runId: "r1", phase: "issue", attempt: 2 });
    reporter.emit({ type: "phase.completed", runId: "r1", phase: "issue", durationMs: 2500 });
    reporter.output("working\nhalf a li");
    reporter.output("ne\n\u001b[31mred\u001b[0m\n");
    reporter.stop();
    expect(text()).toBe(
      [
        "[+0.0s] run r1 started",
        "[+0.0s] issue: attempt 1 started",
        "[+1.5s] issue: attempt 1 failed (WFM-NET-RESET: reset); retrying in 2.0s",
        "[+1.5s] rate limited by github; resumes at 2026-01-01T13:05:00Z (in 1 h 5 min)",
        "[+1.5s] issue: attempt 2 started",
        "[+1.5s] issue: completed in 2.5s (attempt 2)",
        "  | working",
        "  | half a line",
        "  |  [31mred [0m",
        "",
      ].join("\n"),
    );
  });
});

describe("terminal progress", () => {
  it("prints a finished phase above the line and does not redraw it", () => {
    const { reporter, clock, text } = capture(true);
    reporter.emit({ type: "phase.started", runId: "r1", phase: "issue", attempt: 1 });
    clock.advance(400);
    reporter.emit({ type: "phase.completed", runId: "r1", phase: "issue", durationMs: 400 });
    reporter.stop();
    expect(text()).toBe(
      [
        "\r\u001b[2K» issue · attempt 1 · 0.0s",
        "\r\u001b[2Kissue: completed in 0.4s (attempt 1)\n",
      ].join(""),
    );
  });

  it("redraws a status line with phase, attempt, elapsed time and the last output, and clears it at the end", () => {
    const { reporter, clock, text } = capture(true);
    reporter.emit({ type: "phase.started", runId: "r1", phase: "implement", attempt: 2 });
    clock.advance(3000);
    reporter.output("compiling\n");
    reporter.emit({ type: "run.paused", runId: "r1", error });
    reporter.stop();
    expect(text()).toBe(
      [
        "\r\u001b[2K» implement · attempt 2 · 0.0s",
        "\r\u001b[2K  │ compiling\n",
        "\r\u001b[2K» implement · attempt 2 · 3.0s · compiling",
        "\r\u001b[2K",
      ].join(""),
    );
  });
});
