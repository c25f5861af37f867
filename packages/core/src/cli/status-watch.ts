import { ExitCode, isTerminal, type RunSnapshot } from "../engine/index.js";
import { type RecordedEvent, readEvents } from "../monitor/index.js";
import { stateRoot } from "../state/index.js";
import type { CliIo } from "./cli-io.js";
import { interruption, readingEngine } from "./commands/command-context.js";
import { type WatchLine, watchView } from "./watch-view.js";

export interface StatusWatchOptions {
  repoDir: string;
  runId: string;
  /** How often the run's state and events are read again. */
  intervalMs: number;
}

/** Cursor to the start of the line `n` lines up, then clear to the end of the screen. */
export const redrawPrefix = (lines: number) => `\u001b[${lines}F\u001b[0J`;

/**
 * `status --watch`: shows the run live until it is completed, failed,
 * paused or rolled back, then exits as `run` would (0 / 1 / 3; a rollback
 * that left something behind 1), or 130 when interrupted.
 *
 * On a terminal the view is redrawn in place: the cursor goes back up over
 * the lines it drew last and clears from there down, so nothing above it is
 * touched (lines are cut to the terminal's width, so each is one row).
 * Elsewhere (a pipe, a log), each line that changed is appended once.
 *
 * Every `intervalMs` it reads the run's state without the lock and its
 * `events.ndjson` again, as `events --follow` does.
 */
export async function watchRunStatus(io: CliIo, options: StatusWatchOptions): Promise<number> {
  const { repoDir, runId, intervalMs } = options;
  const engine = readingEngine(io, repoDir);
  const root = stateRoot(repoDir);
  const out = io.stdout;
  const width = Math.max(20, (out.columns ?? 80) - 1);
  let drawn = 0;
  let previous = new Map<string, string>();
  let noted = "";

  const draw = (lines: WatchLine[]) => {
    if (out.isTTY) {
      const text = lines.map((line) => line.text.slice(0, width)).join("\n");
      const before = [...previous.values()].join("\n");
      if (drawn > 0 && text === before) return;
      out.write(`${drawn > 0 ? redrawPrefix(drawn) : ""}${text}\n`);
      drawn = lines.length;
      previous = new Map(lines.map((line) => [line.key, line.text.slice(0, width)]));
      return;
    }
    const next = new Map(lines.map((line) => [line.key, line.change]));
    for (const line of lines) {
      if (previous.get(line.key) !== line.change) out.write(`${line.text.trimStart()}\n`);
    }
    previous = next;
  };

  const poll = async (): Promise<RunSnapshot> => {
    const snapshot = await engine.status(runId);
    const contents = await readEvents({ fs: io.ports.fs, root, runId });
    if (contents.invalidLines.length > 0) {
      const note = `note: skipped unreadable lines ${contents.invalidLines.join(", ")} of ${contents.path}\n`;
      // Said once per new set of bad lines, not on every poll.
      if (note !== noted) io.stderr.write(note);
      noted = note;
    }
    draw(watchView(snapshot, contents.events as RecordedEvent[], io.ports.clock.now()));
    return snapshot;
  };

  const finished = (snapshot: RunSnapshot) =>
    isTerminal(snapshot.state) || snapshot.state === "paused";

  let snapshot = await poll();
  if (finished(snapshot)) return exitCode(snapshot);
  const interrupt = interruption(io, () => undefined);
  try {
    for (;;) {
      try {
        await io.ports.clock.sleep(intervalMs, interrupt.signal);
      } catch (error) {
        if (interrupt.signal.aborted) return ExitCode.Interrupted;
        throw error;
      }
      snapshot = await poll();
      if (finished(snapshot)) return exitCode(snapshot);
    }
  } finally {
    interrupt.dispose();
  }
}

/** As `run` and `rollback` exit: a rollback that left something behind needs a person (1). */
function exitCode(snapshot: RunSnapshot): number {
  switch (snapshot.state) {
    case "completed":
      return ExitCode.Completed;
    case "failed":
      return ExitCode.Failed;
    case "rolled-back":
      return (snapshot.incomplete?.length ?? 0) > 0 ? ExitCode.Failed : ExitCode.Completed;
    default:
      return ExitCode.Paused;
  }
}
