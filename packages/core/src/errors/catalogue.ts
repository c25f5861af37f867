import { ErrorKind } from "./error-kind.js";
import { WorkflowMasterError } from "./workflow-master-error.js";

/**
 * Every code the engine can emit, in one table that `classify`, the engine,
 * `explain`, the docs and the tests all read, so they cannot drift.
 *
 * `guidance` and `command` may hold `{placeholders}` filled from the error's
 * context (`{runId}`, `{path}`, `{branch}` …); a placeholder with no value is
 * shown as `<RUN_ID>`-style so the command is still copyable and obvious.
 */
export interface CatalogueEntry {
  readonly code: `WFM-${string}`;
  readonly kind: ErrorKind;
  /** A short title ("Run is locked by another process"). */
  readonly title: string;
  /** What the engine already does about it by itself. */
  readonly automatic: string;
  /** What the person should do, as a sentence. */
  readonly guidance: string;
  /** The exact next command, when there is one. */
  readonly command?: string;
}

const entries = [
  // ── run store and lock ────────────────────────────────────────────────
  {
    code: "WFM-RUN-LOCKED",
    kind: ErrorKind.Environmental,
    title: "Run is locked by another process",
    automatic:
      "Checked whether the holder is alive; a lock left by a dead process is taken over automatically.",
    guidance:
      "Run {runId} is held by {holder}. Wait for that process to finish, or stop it, then resume.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-RUN-FENCED",
    kind: ErrorKind.Permanent,
    title: "Another process took over this run",
    automatic:
      "Stopped writing: this process's fencing token is older than the lock's, so its writes were refused.",
    guidance:
      "Run {runId} was taken over by a newer process while this one was paused. Check its status; do not resume from this process.",
    command: "workflowmaster status {runId}",
  },
  {
    code: "WFM-RUN-NOT-FOUND",
    kind: ErrorKind.Permanent,
    title: "No such run",
    automatic: "Nothing; no state was read or written.",
    guidance: "There is no run {runId} under {path}. List the runs this repository has.",
    command: "workflowmaster runs",
  },
  {
    code: "WFM-RUN-EXISTS",
    kind: ErrorKind.Permanent,
    title: "A run with this id already exists",
    automatic: "Nothing; the existing run was left untouched.",
    guidance: "Run {runId} already exists. Resume it, or choose another --run-id.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-RUN-TERMINAL",
    kind: ErrorKind.Permanent,
    title: "Run already finished",
    automatic: "Nothing; terminal states are final and were not changed.",
    guidance:
      "Run {runId} already ended `{state}`; a finished run cannot be resumed. Start a new run.",
    command: "workflowmaster status {runId}",
  },
  {
    code: "WFM-STATE-CORRUPT",
    kind: ErrorKind.Environmental,
    title: "Run state is damaged beyond automatic recovery",
    automatic:
      "Dropped a torn journal tail and tried every snapshot, newest first; none gave a valid state.",
    guidance:
      "The state of run {runId} under {path} is damaged ({detail}). Keep the directory for diagnosis, check the disk, and start a new run; `doctor` shows what git and GitHub hold.",
    command: "workflowmaster doctor",
  },
  {
    code: "WFM-STATE-SCHEMA-UNKNOWN",
    kind: ErrorKind.Permanent,
    title: "Run state written by another version",
    automatic: "Refused to read or change it, so nothing is lost.",
    guidance:
      "{path} has schemaVersion {detail}, which this version of WorkflowMaster does not know. Use the version that wrote it.",
    command: "workflowmaster --version",
  },
  // ── engine ────────────────────────────────────────────────────────────
  {
    code: "WFM-PHASE-TIMEOUT",
    kind: ErrorKind.Transient,
    title: "Phase exceeded its time limit",
    automatic: "Aborted the attempt and retried within the retry policy.",
    guidance:
      "Phase `{phase}` of run {runId} did not finish within its timeout. Resume to try again, or raise the timeout.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-PHASE-INACTIVE",
    kind: ErrorKind.Transient,
    title: "Phase made no progress",
    automatic: "The inactivity watchdog aborted the attempt and retried within the retry policy.",
    guidance:
      "Phase `{phase}` of run {runId} produced no output or progress for too long. Check what it was waiting on, then resume.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-PHASE-POSTCONDITION",
    kind: ErrorKind.Partial,
    title: "Phase ran but its effect was not observed",
    automatic:
      "Did not mark the phase done; on resume the effect is looked up again before anything is redone.",
    guidance:
      "Phase `{phase}` of run {runId} reported success, but {detail}. Resume to reconcile and retry.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-PHASE-PRECONDITION",
    kind: ErrorKind.Permanent,
    title: "Phase cannot start",
    automatic: "Did not start the phase; nothing was changed.",
    guidance: "Phase `{phase}` of run {runId} cannot start: {detail}. Fix that, then resume.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-RETRY-EXHAUSTED",
    kind: ErrorKind.Transient,
    title: "Retries exhausted",
    automatic:
      "Retried with exponential backoff and jitter until the attempts or deadline ran out.",
    guidance:
      "Phase `{phase}` of run {runId} kept failing ({detail}). The run is saved; resume when the cause has cleared.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-RETRY-BUDGET-EXHAUSTED",
    kind: ErrorKind.Transient,
    title: "Retry budget spent: the service looks down",
    automatic:
      "Stopped retrying {target} so an outage does not become a retry storm, and saved the run.",
    guidance:
      "Too many calls to {target} failed in a short time. Check the service's status, then resume.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-ROLLBACK-INCOMPLETE",
    kind: ErrorKind.Partial,
    title: "Rollback could not undo everything",
    automatic:
      "Ran every compensation newest first, recorded each outcome, and kept going past failures.",
    guidance:
      "Rollback of run {runId} left {detail}. Remove those by hand, then run rollback again to confirm.",
    command: "workflowmaster rollback {runId} --dry-run",
  },
  {
    code: "WFM-INTERRUPTED",
    kind: ErrorKind.Transient,
    title: "Run interrupted",
    automatic: "Stopped at a safe point; everything acknowledged so far is in the journal.",
    guidance: "Run {runId} was interrupted. Resume it to continue where it stopped.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-INTERNAL",
    kind: ErrorKind.Permanent,
    title: "Bug in WorkflowMaster",
    automatic:
      "Did not retry: a programming error is not made better by retrying. The run is saved.",
    guidance:
      "An unexpected {detail} stopped run {runId}. Please report it with the run's events file attached.",
    command: "workflowmaster events {runId}",
  },
  // ── resources ─────────────────────────────────────────────────────────
  {
    code: "WFM-DISK-LOW",
    kind: ErrorKind.Environmental,
    title: "Not enough free disk space",
    automatic: "Pruned old snapshots, checked again, and paused the run before writing.",
    guidance: "Only {detail} free on the filesystem holding {path}. Free some space, then resume.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-MEMORY-LOW",
    kind: ErrorKind.Environmental,
    title: "Not enough free memory",
    automatic: "Paused the run before starting the phase.",
    guidance: "Only {detail} of memory is free. Close other programs, then resume.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-FD-LOW",
    kind: ErrorKind.Environmental,
    title: "Too few file descriptors left",
    automatic: "Paused the run before starting the phase.",
    guidance: "Only {detail} file descriptors are left (ulimit -n). Raise the limit, then resume.",
    command: "workflowmaster resume {runId}",
  },
  // ── classify(): GitHub, git, errno, aborts ────────────────────────────
  // (rows for classify are added below this line)
] as const satisfies readonly CatalogueEntry[];

export type ErrorCode = (typeof entries)[number]["code"];

/** The catalogue, keyed by code. */
export const CATALOGUE: ReadonlyMap<ErrorCode, CatalogueEntry> = new Map(
  entries.map((entry) => [entry.code, entry]),
);

export const ERROR_CODES: readonly ErrorCode[] = entries.map((entry) => entry.code);

export type ErrorContext = Readonly<Record<string, string | number | undefined>>;

const PLACEHOLDER = /\{(\w+)\}/g;

/** Fills `{name}` from context; a missing value becomes `<NAME>`. */
export function render(template: string, context: ErrorContext): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = context[name];
    return value === undefined || value === "" ? `<${toUpperSnake(name)}>` : String(value);
  });
}

function toUpperSnake(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

export interface MakeErrorOptions {
  /** What was observed. Defaults to the entry's title. */
  message?: string;
  context?: ErrorContext;
  cause?: unknown;
  retryAfterMs?: number;
}

/** Builds the error for a catalogue code, guidance and command filled in. */
export function wfmError(code: ErrorCode, options: MakeErrorOptions = {}): WorkflowMasterError {
  const entry = CATALOGUE.get(code);
  if (!entry) throw new TypeError(`Unknown WorkflowMaster error code ${code}`);
  const context = options.context ?? {};
  return new WorkflowMasterError({
    code: entry.code,
    kind: entry.kind,
    message: options.message ?? entry.title,
    guidance: render(entry.guidance, context),
    automatic: render(entry.automatic, context),
    ...(entry.command === undefined ? {} : { command: render(entry.command, context) }),
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
    cause: options.cause,
  });
}
