import { type EventSink, formatDuration, type WorkflowEvent } from "../monitor/index.js";
import type { Clock } from "../ports/index.js";
import { oneLine, sanitise } from "./cli-error.js";
import type { CliStream } from "./cli-io.js";

/** How often the status line's clock is redrawn on a terminal. */
const TICK_MS = 250;

export interface ProgressReporter extends EventSink {
  /** Shows one event; synchronous, it never waits on anything. */
  emit(event: WorkflowEvent): void;
  /** A chunk of the implement command's output. */
  output(chunk: string): void;
  /** A line of the CLI's own (what was set up, what is being waited for). */
  note(text: string): void;
  /** Stops redrawing and clears the status line. */
  stop(): void;
}

export interface ProgressOptions {
  stream: CliStream;
  clock: Clock;
  /** Redraw a status line in place (a terminal) or print plain lines (a pipe, a log). */
  interactive: boolean;
}

interface PhaseView {
  attempt: number;
  startedAt: number;
}

/**
 * Shows a run's progress from its events. On a terminal: a status line
 * redrawn in place (the phase, its attempt, its elapsed time, the command's
 * last output line) with finished steps printed above it. Elsewhere: one
 * plain line per step, nothing redrawn, so logs and CI read cleanly. Rate
 * limit waits say when they end. Everything is written to `stream`
 * (standard error), so standard output stays free for `--json`.
 */
export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const { stream, clock, interactive } = options;
  const startedAt = clock.now();
  const phases = new Map<string, PhaseView>();
  let current: string | undefined;
  let lastOutput = "";
  let partial = "";
  let statusShown = false;
  let waitingUntil: string | undefined;
  const ticker = new AbortController();

  const since = (ms: number) => `${((clock.now() - ms) / 1000).toFixed(1)}s`;

  const clearStatus = () => {
    if (interactive && statusShown) {
      stream.write("\r\u001b[2K");
      statusShown = false;
    }
  };

  const drawStatus = () => {
    if (!interactive || current === undefined || ticker.signal.aborted) return;
    const view = phases.get(current);
    if (view === undefined) return;
    const parts = [`${current}`, `attempt ${view.attempt}`, since(view.startedAt)];
    if (waitingUntil !== undefined) parts.push(`rate limited until ${waitingUntil}`);
    else if (lastOutput !== "") parts.push(lastOutput);
    // A terminal that does not say how wide it is (0) is taken as 80 columns.
    const width = Math.max(
      20,
      (stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80) - 1,
    );
    const text = `» ${parts.join(" · ")}`;
    stream.write(`\r\u001b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    statusShown = true;
  };

  const line = (text: string) => {
    clearStatus();
    const prefix = interactive ? "" : `[+${since(startedAt)}] `;
    stream.write(`${prefix}${oneLine(text)}\n`);
    drawStatus();
  };

  if (interactive) {
    const tick = async () => {
      while (!ticker.signal.aborted) {
        try {
          await clock.sleep(TICK_MS, ticker.signal);
        } catch (error) {
          if (ticker.signal.aborted) return;
          throw error;
        }
        drawStatus();
      }
    };
    // The ticker only redraws; if the clock fails, say so once and stop redrawing.
    tick().catch((error: unknown) => {
      stream.write(`\nprogress display stopped: ${String(error)}\n`);
    });
  }

  const onEvent = (event: WorkflowEvent) => {
    switch (event.type) {
      case "run.started":
        line(`run ${event.runId} started`);
        return;
      case "run.resumed":
        line(`run ${event.runId} resumed (it was ${event.fromState})`);
        return;
      case "run.recovered":
        line(`recovered the run's state: ${event.detail}`);
        return;
      case "phase.started": {
        phases.set(event.phase, { attempt: event.attempt, startedAt: clock.now() });
        current = event.phase;
        lastOutput = "";
        waitingUntil = undefined;
        if (interactive) drawStatus();
        else line(`${event.phase}: attempt ${event.attempt} started`);
        return;
      }
      case "phase.reconciled":
        line(
          event.found
            ? `${event.phase}: the interrupted attempt had already done it; not done again`
            : `${event.phase}: the interrupted attempt's effect was not found; doing it again`,
        );
        return;
      case "phase.retrying":
        line(
          `${event.phase}: attempt ${event.attempt} failed (${event.cause.code}: ${event.cause.message}); retrying in ${(event.delayMs / 1000).toFixed(1)}s`,
        );
        return;
      case "rate-limit.waiting": {
        const until = event.until.replace(/\.\d+Z$/, "Z");
        waitingUntil = until.slice(11);
        line(
          `rate limited by ${event.target}; resumes at ${until} (in ${formatDuration(event.delayMs)})`,
        );
        return;
      }
      case "phase.completed": {
        const view = phases.get(event.phase);
        if (current === event.phase) current = undefined;
        line(
          `${event.phase}: completed in ${(event.durationMs / 1000).toFixed(1)}s${view === undefined ? "" : ` (attempt ${view.attempt})`}`,
        );
        return;
      }
      case "phase.failed":
        if (current === event.phase) current = undefined;
        line(`${event.phase}: failed: ${event.error.code}: ${event.error.message}`);
        return;
      case "phase.skipped":
        line(`${event.phase}: skipped (${event.reason})`);
        return;
      case "phase.degraded":
        line(`${event.phase}: degraded (${event.reason})`);
        return;
      case "phase.compensated":
        line(
          event.ok
            ? `${event.phase}: undone`
            : `${event.phase}: could not be undone (${event.detail ?? "no detail"})`,
        );
        return;
      case "resource.low":
        line(`low on ${event.resource}: ${event.available} left, ${event.threshold} needed`);
        return;
      case "resource.pruned":
        line(`pruned old snapshots before ${event.phase}: freed ${event.freedBytes} bytes`);
        return;
      case "run.completed":
      case "run.failed":
      case "run.paused":
      case "run.rolled-back":
        current = undefined;
        clearStatus();
        return;
      case "phase.checkpointed":
      case "alert":
        // Checkpoints are bookkeeping; alerts have their own console sink.
        return;
    }
  };

  return {
    emit: onEvent,
    output(chunk) {
      partial += chunk;
      const lines = partial.split(/\r?\n/);
      partial = lines.pop() ?? "";
      for (const text of lines) {
        const clean = sanitise(text).trimEnd();
        if (clean === "") continue;
        lastOutput = clean.trim();
        if (interactive) {
          clearStatus();
          stream.write(`  │ ${clean}\n`);
          drawStatus();
        } else {
          stream.write(`  | ${clean}\n`);
        }
      }
    },
    note: line,
    stop() {
      ticker.abort();
      clearStatus();
    },
  };
}
