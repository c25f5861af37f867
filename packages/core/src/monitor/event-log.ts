import { z } from "zod";
import type { Clock } from "../ports/clock.js";
import { isoTime } from "../ports/clock.js";
import type { FileHandle, FileSystem } from "../ports/file-system.js";
import { writeAll } from "../ports/file-system.js";
import { parseOptions } from "../retry/parse-options.js";
import type { EventSink, RecordedEvent, WorkflowEvent } from "./events.js";

/** The file every run's events go to, under `<root>/runs/<runId>/`. */
export const EVENTS_FILE = "events.ndjson";

// The same rule the run store applies; a run id becomes a path component.
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const EventLogOptionsSchema = z.object({
  fs: z.custom<FileSystem>((value) => typeof value === "object" && value !== null, {
    message: "expected a FileSystem",
  }),
  clock: z.custom<Clock>((value) => typeof value === "object" && value !== null, {
    message: "expected a Clock",
  }),
  root: z.string().min(1, "expected the `.workflowmaster` directory"),
});

export interface EventLogOptions {
  fs: FileSystem;
  clock: Clock;
  /** `<repo>/.workflowmaster`. */
  root: string;
}

/** Appends events to `<root>/runs/<runId>/events.ndjson`, one JSON line each. */
export interface EventLog extends EventSink {
  /**
   * Stamps the event with the clock's time (ISO-8601 UTC) at the call and
   * appends it. Resolves when the line is written (not fsync'd); rejects if
   * it could not be written. Calls for one run are written in call order.
   */
  emit(event: WorkflowEvent): Promise<void>;
  /** Waits for pending writes, then fsyncs every events file this log has open. */
  flush(): Promise<void>;
  /** `flush()`, then closes every file. Emitting afterwards rejects. */
  close(): Promise<void>;
  /** Closes every file without flushing, as a dying process does. Emitting afterwards rejects. */
  abandon(): Promise<void>;
  /** Where the events of `runId` are written. */
  pathFor(runId: string): string;
}

interface OpenFile {
  handle: FileHandle;
  /** The file ended in a torn line when opened: start the next line on its own. */
  needsNewline: boolean;
}

/**
 * The event log. Each event is appended without an fsync: the journal is the
 * source of truth and is fsync'd per record; events are observability, and
 * paying a second fsync per state change for them would double the engine's
 * disk cost. A crash may lose the last few events or tear the last line, which
 * `readEvents` tolerates and reports. `flush()` fsyncs for a clean shutdown.
 *
 * Writes are serialised per file through a promise chain, so events emitted
 * concurrently never interleave and none is lost; one handle per file is kept
 * open ("a": every write lands at the end) until `close()`.
 */
export function createEventLogSink(options: EventLogOptions): EventLog {
  const { fs, clock, root } = parseOptions(EventLogOptionsSchema, options, "event log options");
  const tails = new Map<string, Promise<void>>();
  const files = new Map<string, OpenFile>();
  let closed = false;

  const dirFor = (runId: string) => `${root}/runs/${runId}`;
  const pathFor = (runId: string) => {
    if (!RUN_ID.test(runId) || runId.includes("..")) {
      throw new TypeError(
        `Invalid runId ${JSON.stringify(runId)}: expected 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit, without "..".`,
      );
    }
    return `${dirFor(runId)}/${EVENTS_FILE}`;
  };

  const open = async (runId: string, path: string): Promise<OpenFile> => {
    const existing = files.get(path);
    if (existing) return existing;
    await fs.mkdir(dirFor(runId), { recursive: true });
    const needsNewline = await endsTorn(fs, path);
    const file: OpenFile = { handle: await fs.open(path, "a"), needsNewline };
    files.set(path, file);
    return file;
  };

  const write = async (runId: string, path: string, line: string): Promise<void> => {
    const file = await open(runId, path);
    const text = file.needsNewline ? `\n${line}` : line;
    try {
      await writeAll(file.handle, new TextEncoder().encode(text));
      file.needsNewline = false;
    } catch (error) {
      // A failed write may have left part of a line; forget the handle so the
      // next write reopens, sees the torn end and starts on a fresh line.
      files.delete(path);
      await file.handle.close().then(
        () => undefined,
        (closeError: unknown) => {
          throw new AggregateError(
            [error, closeError],
            `writing ${path} failed, then closing it failed`,
          );
        },
      );
      throw error;
    }
  };

  // Runs `step` after everything queued for `path` has settled, success or not.
  const enqueue = (path: string, step: () => Promise<void>): Promise<void> => {
    const previous = tails.get(path) ?? Promise.resolve();
    const next = previous.then(step, step);
    tails.set(path, next);
    return next;
  };

  const drain = async () => {
    // Settled, not fulfilled: a failed write was already reported to its emitter.
    await Promise.allSettled([...tails.values()]);
  };

  const flush = async () => {
    await drain();
    for (const file of files.values()) await file.handle.sync();
  };

  return {
    pathFor,
    emit(event) {
      if (closed) return Promise.reject(new Error("The event log is closed; cannot emit."));
      let path: string;
      try {
        path = pathFor(event.runId);
      } catch (error) {
        return Promise.reject(error);
      }
      // Stamped and serialised now, so the file order is the call order.
      const line = `${JSON.stringify({ at: isoTime(clock), ...event })}\n`;
      return enqueue(path, () => write(event.runId, path, line));
    },
    flush,
    async abandon() {
      closed = true;
      const open = [...files.values()];
      files.clear();
      for (const file of open) await file.handle.close();
    },
    async close() {
      closed = true;
      await flush();
      const open = [...files.values()];
      files.clear();
      for (const file of open) await file.handle.close();
    },
  };
}

/** Whether the file exists, is non-empty, and does not end in a newline. */
async function endsTorn(fs: FileSystem, path: string): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  return bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE;
}

const NEWLINE = 0x0a;

/** What `readEvents` found. */
export interface EventLogContents {
  path: string;
  /** False when the run has no events file (yet). */
  exists: boolean;
  /** Every well-formed event, in file order. */
  events: RecordedEvent[];
  /** 1 when the last line was torn (a crash mid-write) and left out, else 0. */
  tornLines: number;
  /** 1-based numbers of earlier lines that were not events, left out. */
  invalidLines: number[];
}

/**
 * Reads a run's events. Damage is reported, never thrown: a torn last line
 * (a crash mid-append) is counted in `tornLines`, an unreadable line before
 * it in `invalidLines`. A last line missing only its newline is complete and
 * kept. I/O errors other than a missing file are thrown as they are.
 */
export async function readEvents(options: {
  fs: FileSystem;
  root: string;
  runId: string;
}): Promise<EventLogContents> {
  const { fs, root, runId } = options;
  if (!RUN_ID.test(runId) || runId.includes("..")) {
    throw new TypeError(`Invalid runId ${JSON.stringify(runId)}.`);
  }
  const path = `${root}/runs/${runId}/${EVENTS_FILE}`;
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return { path, exists: false, events: [], tornLines: 0, invalidLines: [] };
    }
    throw error;
  }
  // Not fatal: a torn multi-byte character must not stop the read.
  const lines = new TextDecoder("utf-8", { fatal: false }).decode(bytes).split("\n");
  // After a final newline, split leaves one empty string: not a line.
  const last = lines.pop() ?? "";
  const events: RecordedEvent[] = [];
  const invalidLines: number[] = [];
  lines.forEach((line, index) => {
    const event = parseEventLine(line);
    if (event) events.push(event);
    else invalidLines.push(index + 1);
  });
  let tornLines = 0;
  if (last !== "") {
    const event = parseEventLine(last);
    if (event) events.push(event);
    else tornLines = 1;
  }
  return { path, exists: true, events, tornLines, invalidLines };
}

/**
 * Structural check only (an object with string `type`, `at`, `runId`), so a
 * log written by a newer version with more event types still reads.
 */
function parseEventLine(line: string): RecordedEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (
    typeof record.type !== "string" ||
    typeof record.at !== "string" ||
    typeof record.runId !== "string"
  ) {
    return undefined;
  }
  return value as RecordedEvent;
}
