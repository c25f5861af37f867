import { listRunDirectories, runAlertView } from "../monitor/active-alerts.js";
import { EVENTS_FILE } from "../monitor/event-log.js";
import type { RecordedEvent } from "../monitor/events.js";
import type { FileSystem } from "../ports/file-system.js";
import type { Problem, RunFeed, RunStateInfo } from "./dashboard-model.js";

/** A run's stored state, or why it could not be read. */
export type StateRead =
  | { ok: true; info: RunStateInfo | undefined }
  | { ok: false; problem: string };

export interface RunWatcherOptions {
  fs: FileSystem;
  /** `<repo>/.workflowmaster`. */
  root: string;
  /** The run's stored state (title, phases), `info: undefined` while it has none yet. */
  readState(runId: string): Promise<StateRead>;
}

/** Events appended to one run's `events.ndjson` since the last poll. */
export interface Appended {
  runId: string;
  events: RecordedEvent[];
  /** The file was replaced or shrank: `events` is all of it, not a continuation. */
  reset: boolean;
}

export interface WatchUpdate {
  /** Whether anything the page shows changed (a new run, new events, a run gone). */
  changed: boolean;
  appended: Appended[];
}

/** Tails every run's events file under `<root>/runs`, new runs included. */
export interface RunWatcher {
  /** Looks once: re-reads only runs whose events file changed (size, mtime or identity). */
  poll(): Promise<WatchUpdate>;
  /** The runs as last read. */
  feeds(): RunFeed[];
  /** Damaged events lines and unreadable states, as last read. */
  problems(): Problem[];
}

interface Watched {
  signature: string;
  feed: RunFeed;
  problems: Problem[];
}

/**
 * Polling rather than `fs.watch`: inotify misses appends through some
 * mounts and reports renames inconsistently, while a `stat` per run per
 * tick is cheap for the tens of runs a repository holds. Each changed file
 * is read whole through `readEvents` (the one parser of the format), which
 * also reports torn and unreadable lines; appended events are the new
 * suffix, as the file is append-only.
 */
export function createRunWatcher(options: RunWatcherOptions): RunWatcher {
  const { fs, root } = options;
  const watched = new Map<string, Watched>();

  const signatureOf = async (runId: string): Promise<string> => {
    try {
      const stat = await fs.stat(`${root}/runs/${runId}/${EVENTS_FILE}`);
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return "absent";
      throw error;
    }
  };

  const read = async (runId: string, signature: string, before: Watched | undefined) => {
    const view = await runAlertView(fs, root, runId);
    const state = await options.readState(runId);
    const problems: Problem[] = [];
    if (view.unreadable !== undefined) {
      const { path, invalidLines, tornLines } = view.unreadable;
      for (const line of invalidLines) {
        problems.push({
          runId,
          message: `Line ${line} of ${path} is not an event; it was left out (the rest of the run is shown).`,
        });
      }
      if (tornLines > 0) {
        problems.push({
          runId,
          message: `The last line of ${path} is incomplete (a crash mid-write, or a write in progress); it was left out.`,
        });
      }
    }
    if (!state.ok) problems.push({ runId, message: state.problem });
    const previous = before?.feed.events ?? [];
    const continues =
      view.events.length >= previous.length &&
      previous.every((event, index) => sameEvent(event, view.events[index]));
    const appended: Appended = continues
      ? { runId, events: view.events.slice(previous.length), reset: false }
      : { runId, events: view.events, reset: true };
    const entry: Watched = {
      signature,
      feed: {
        runId,
        events: view.events,
        active: view.active,
        stored: state.ok ? state.info : before?.feed.stored,
      },
      problems,
    };
    watched.set(runId, entry);
    return appended;
  };

  return {
    async poll() {
      const runIds = await listRunDirectories(fs, root);
      let changed = false;
      const appended: Appended[] = [];
      for (const runId of [...watched.keys()]) {
        if (!runIds.includes(runId)) {
          watched.delete(runId);
          changed = true;
        }
      }
      for (const runId of runIds) {
        const before = watched.get(runId);
        const signature = await signatureOf(runId);
        if (before !== undefined && before.signature === signature) continue;
        changed = true;
        const news = await read(runId, signature, before);
        if (news.events.length > 0 || news.reset) appended.push(news);
      }
      return { changed, appended };
    },
    feeds: () => [...watched.values()].map((entry) => entry.feed),
    problems: () => [...watched.values()].flatMap((entry) => entry.problems),
  };
}

/** Two readings of one line: the same when their JSON is the same. */
function sameEvent(a: RecordedEvent, b: RecordedEvent | undefined): boolean {
  return b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
