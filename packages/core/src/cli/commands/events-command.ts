import { isTerminal } from "../../engine/index.js";
import { isWorkflowMasterError } from "../../errors/index.js";
import { type RecordedEvent, readEvents } from "../../monitor/index.js";
import { stateRoot } from "../../state/index.js";
import { oneLine } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { interruption, readingEngine, repositoryFor, runIdArgument } from "./command-context.js";

export interface EventsCommandOptions {
  runId: string;
  cwd?: string;
  follow: boolean;
  json: boolean;
}

/** How often `--follow` looks for new events. */
const FOLLOW_EVERY_MS = 500;

/**
 * `workflowmaster events RUN_ID`: the run's `events.ndjson`, one line per
 * event (`--json`: the events themselves, one JSON object a line).
 * `--follow` keeps printing new events until the run is finished
 * (completed, failed, rolled back) or it is interrupted (exit 130). A torn
 * last line (a crash mid-write) is reported, not printed.
 */
export async function eventsCommand(io: CliIo, options: EventsCommandOptions): Promise<number> {
  const repoDir = await repositoryFor(io, options.cwd, "events");
  const runId = runIdArgument(options.runId);
  const root = stateRoot(repoDir);
  const engine = readingEngine(io, repoDir);
  const finished = async () => {
    try {
      return isTerminal((await engine.status(runId)).state);
    } catch (error) {
      // Not found is the user's mistake; damaged state still has events worth showing.
      if (isWorkflowMasterError(error) && error.code !== "WFM-RUN-NOT-FOUND") return false;
      throw error;
    }
  };
  let done = await finished();
  let shown = 0;
  const show = async () => {
    const contents = await readEvents({ fs: io.ports.fs, root, runId });
    for (const event of contents.events.slice(shown))
      io.stdout.write(`${format(event, options.json)}\n`);
    shown = Math.max(shown, contents.events.length);
    return contents;
  };
  const first = await show();
  if (first.invalidLines.length > 0) {
    io.stderr.write(
      `note: skipped unreadable lines ${first.invalidLines.join(", ")} of ${first.path}\n`,
    );
  }
  if (!options.follow || done) {
    if (first.tornLines > 0)
      io.stderr.write(`note: the last line of ${first.path} is torn (a crash mid-write)\n`);
    return 0;
  }
  const interrupt = interruption(io, () => undefined);
  try {
    while (!done) {
      try {
        await io.ports.clock.sleep(FOLLOW_EVERY_MS, interrupt.signal);
      } catch (error) {
        if (interrupt.signal.aborted) return 130;
        throw error;
      }
      done = await finished();
      await show();
    }
    return 0;
  } finally {
    interrupt.dispose();
  }
}

function format(event: RecordedEvent, json: boolean): string {
  if (json) return JSON.stringify(event);
  const { at, type, runId: _runId, ...rest } = event as RecordedEvent & Record<string, unknown>;
  const details = Object.entries(rest)
    .map(([name, value]) => {
      if (typeof value === "object" && value !== null && "code" in value) {
        const error = value as { code: string; message?: string };
        return `${name}=${error.code}${error.message === undefined ? "" : ` (${error.message})`}`;
      }
      return `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`;
    })
    .join(" ");
  return oneLine(`${at}  ${type}${details === "" ? "" : `  ${details}`}`);
}
