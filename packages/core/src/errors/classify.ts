import { z } from "zod";
import { type ErrorContext, wfmError } from "./catalogue.js";
import { classifyAbort } from "./classifiers/abort.js";
import type { Classification, Classifier, ClassifierInput } from "./classifiers/classification.js";
import { classifyCommandResult } from "./classifiers/command-result.js";
import { classifyErrno, isFetchFailure } from "./classifiers/errno.js";
import { classifyGitError } from "./classifiers/git.js";
import { classifyHttpError } from "./classifiers/github-http.js";
import {
  causeChain,
  classNames,
  describeValue,
  isRecord,
  oneLine,
  readString,
  shellQuote,
} from "./classifiers/inspect.js";
import { redactSecrets } from "./redact-secrets.js";
import { isWorkflowMasterError, type WorkflowMasterError } from "./workflow-master-error.js";

export { CLASSIFY_CODES, type ClassifyCode } from "./classifiers/classification.js";

export interface ClassifyOptions {
  /**
   * Milliseconds since the epoch (`clock.now()`), used to turn GitHub's
   * `x-ratelimit-reset` into a wait. Without it the response's `date` header
   * is used; classify never reads a clock itself.
   */
  now?: number;
  /** Values for the catalogue's placeholders: `runId`, `cwd`, `branch`, `repo`, `phase` … */
  context?: ErrorContext;
  /**
   * The operation's signal. When it is aborted and the error is (or wraps)
   * its reason, the error is an interruption whatever the reason's shape.
   */
  signal?: AbortSignal;
}

const classifyOptionsSchema = z.object({
  now: z.number().optional(),
  context: z.record(z.string(), z.union([z.string(), z.number(), z.undefined()])).optional(),
  signal: z.instanceof(AbortSignal).optional(),
});

/**
 * Structured signals, tried on each value of the cause chain (nearest
 * first), first match wins: an abort before anything else (an aborted fetch
 * also looks like a network error), then Octokit, git, a failed child
 * process, errno.
 */
const CLASSIFIERS: readonly Classifier[] = [
  classifyAbort,
  classifyHttpError,
  classifyGitError,
  classifyCommandResult,
  classifyErrno,
];

/** Bugs: never retried, whatever they wrap. */
const PROGRAMMER_ERRORS = new Set([
  "TypeError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "EvalError",
  "URIError",
]);

/** Placeholders that end up in shell commands; quoted only when they need it. */
const SHELL_VALUES = ["runId", "path", "cwd", "branch", "repo"] as const;

/** Codes whose guidance names `{path}`: a sensible directory when the error had none. */
const PATH_FALLBACK = new Set<Classification["code"]>([
  "WFM-DISK-FULL",
  "WFM-DISK-QUOTA",
  "WFM-DISK-IO",
  "WFM-FS-PERMISSION-DENIED",
  "WFM-FS-READ-ONLY",
  "WFM-FS-NOT-FOUND",
]);

/**
 * Maps any thrown value to a catalogue error: a stable code, its kind, what
 * was observed, guidance and the next command. Reads structured signals
 * (HTTP status and headers, git's stderr, errno, abort reasons) and never
 * throws. A WorkflowMasterError is returned unchanged.
 */
export function classify(error: unknown, options: ClassifyOptions = {}): WorkflowMasterError {
  try {
    if (isWorkflowMasterError(error)) return error;
  } catch (failure) {
    // Even reading the brand threw (a hostile Proxy): not ours, and nothing else can be read.
    return uninspectable(failure, error, options.context ?? {});
  }
  const parsed = classifyOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const field = parsed.error.issues.map((issue) => issue.path.join(".") || "options").join(", ");
    const message = `classify() was called with invalid options (${field}): ${oneLine(parsed.error.message)}`;
    return wfmError("WFM-INTERNAL", {
      message,
      context: { detail: `invalid classify() option ${field}` },
      cause: error,
    });
  }
  const input: ClassifierInput = {
    now: options.now,
    signal: options.signal,
    context: options.context ?? {},
  };
  try {
    return build(classifyChain(error, input), error, input.context);
  } catch (failure) {
    return uninspectable(failure, error, input.context);
  }
}

/** An error whose getters throw (a Proxy, a hostile toJSON) still gets a code. */
function uninspectable(
  failure: unknown,
  error: unknown,
  context: ErrorContext,
): WorkflowMasterError {
  return build(
    {
      code: "WFM-ERROR-UNCLASSIFIED",
      message: `The error could not be inspected: ${safeDescribe(failure)}`,
      context: { detail: `an error that could not be inspected (${safeDescribe(failure)})` },
    },
    error,
    context,
  );
}

function classifyChain(error: unknown, input: ClassifierInput): Classification {
  const chain = causeChain(error);
  for (const [depth, value] of chain.entries()) {
    for (const classifier of CLASSIFIERS) {
      const found = classifier(value, input);
      if (found !== undefined) return withOuterMessages(found, chain.slice(0, depth));
    }
  }
  const fetchFailure = chain.findIndex(isFetchFailure);
  if (fetchFailure !== -1) {
    return withOuterMessages(
      {
        code: "WFM-NET-FAILED",
        message: "A request failed before any answer arrived: fetch failed",
        context: { detail: "fetch failed" },
      },
      chain.slice(0, fetchFailure),
    );
  }
  for (const [depth, value] of chain.entries()) {
    if (!isProgrammerError(value)) continue;
    const described = oneLine(describeValue(value));
    return withOuterMessages(
      {
        code: "WFM-INTERNAL",
        message: `A programming error: ${described}`,
        context: { detail: programmerDetail(value) },
      },
      chain.slice(0, depth),
    );
  }
  const described = oneLine(describeValue(error));
  return {
    code: "WFM-ERROR-UNCLASSIFIED",
    message: `An unrecognised error: ${described}`,
    context: { detail: described },
  };
}

function isProgrammerError(value: unknown): boolean {
  if (!(value instanceof Error)) return false;
  return (
    PROGRAMMER_ERRORS.has(value.name) ||
    classNames(value).some((name) => PROGRAMMER_ERRORS.has(name))
  );
}

function programmerDetail(value: unknown): string {
  const name = readString(value, "name") ?? "error";
  const message = readString(value, "message");
  return message === undefined || message === "" ? name : `${name} (${oneLine(message, 160)})`;
}

/** A wrapper's own words come first: "Saving the snapshot failed: The disk is full: …". */
function withOuterMessages(found: Classification, outer: readonly unknown[]): Classification {
  const prefixes = outer
    .map((value) => (isRecord(value) ? readString(value, "message") : undefined))
    .filter((message): message is string => message !== undefined && message !== "")
    .map((message) => oneLine(message, 160))
    .filter((message) => !found.message.includes(message));
  if (prefixes.length === 0) return found;
  return { ...found, message: `${prefixes.join(": ")}: ${found.message}` };
}

function build(
  found: Classification,
  cause: unknown,
  callerContext: ErrorContext,
): WorkflowMasterError {
  const context: Record<string, string | number | undefined> = { ...callerContext };
  for (const [name, value] of Object.entries(found.context ?? {})) {
    // What was observed wins over what the caller expected; absent values do not erase.
    if (value !== undefined && value !== "") context[name] = value;
  }
  if (PATH_FALLBACK.has(found.code) && context.path === undefined) {
    context.path = context.cwd ?? ".";
  }
  for (const [name, value] of Object.entries(context)) {
    if (typeof value === "string") context[name] = redactSecrets(value);
  }
  for (const name of SHELL_VALUES) {
    const value = context[name];
    if (typeof value === "string" && value !== "") context[name] = shellQuote(value);
  }
  return wfmError(found.code, {
    message: redactSecrets(found.message),
    context,
    cause,
    ...(found.retryAfterMs === undefined ? {} : { retryAfterMs: found.retryAfterMs }),
  });
}

function safeDescribe(value: unknown): string {
  try {
    return redactSecrets(oneLine(describeValue(value)));
  } catch (error) {
    // describeValue itself met a throwing getter: the type is all that is left.
    return `a ${typeof value} (${typeof error})`;
  }
}
