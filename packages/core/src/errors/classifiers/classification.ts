import type { ErrorCode, ErrorContext } from "../catalogue.js";

/** Every code `classify` can return, besides passing a WorkflowMasterError through. */
export const CLASSIFY_CODES = [
  "WFM-GITHUB-BAD-CREDENTIALS",
  "WFM-GITHUB-AUTH-REQUIRED",
  "WFM-GITHUB-PERMISSION-DENIED",
  "WFM-GITHUB-RATE-LIMITED",
  "WFM-GITHUB-SECONDARY-RATE-LIMITED",
  "WFM-GITHUB-CREATION-BLOCKED",
  "WFM-GITHUB-NOT-FOUND",
  "WFM-GITHUB-REPO-EMPTY",
  "WFM-GITHUB-CONFLICT",
  "WFM-GITHUB-GONE",
  "WFM-GITHUB-PR-EXISTS",
  "WFM-GITHUB-NO-COMMITS",
  "WFM-GITHUB-HEAD-INVALID",
  "WFM-GITHUB-REF-EXISTS",
  "WFM-GITHUB-OBJECT-MISSING",
  "WFM-GITHUB-REF-UPDATE-FAILED",
  "WFM-GITHUB-NOT-FAST-FORWARD",
  "WFM-GITHUB-ALREADY-EXISTS",
  "WFM-GITHUB-VALIDATION-FAILED",
  "WFM-GITHUB-BAD-REQUEST",
  "WFM-GITHUB-SERVER-ERROR",
  "WFM-GITHUB-REQUEST-FAILED",
  "WFM-NET-RESET",
  "WFM-NET-REFUSED",
  "WFM-NET-DNS",
  "WFM-NET-TIMEOUT",
  "WFM-NET-UNREACHABLE",
  "WFM-NET-FAILED",
  "WFM-GIT-INDEX-LOCKED",
  "WFM-GIT-NON-FAST-FORWARD",
  "WFM-GIT-PUSH-REJECTED",
  "WFM-GIT-AUTH-FAILED",
  "WFM-GIT-PERMISSION-DENIED",
  "WFM-GIT-CONFLICT",
  "WFM-GIT-NOT-A-REPOSITORY",
  "WFM-GIT-DETACHED-HEAD",
  "WFM-GIT-REPOSITORY-CORRUPT",
  "WFM-GIT-REMOTE-UNAVAILABLE",
  "WFM-GIT-FAILED",
  "WFM-COMMAND-NOT-FOUND",
  "WFM-COMMAND-FAILED",
  "WFM-DISK-FULL",
  "WFM-DISK-QUOTA",
  "WFM-FS-PERMISSION-DENIED",
  "WFM-FS-READ-ONLY",
  "WFM-DISK-IO",
  "WFM-FILE-TOO-LARGE",
  "WFM-FD-EXHAUSTED",
  "WFM-MEMORY-EXHAUSTED",
  "WFM-FS-NOT-FOUND",
  "WFM-OPERATION-TIMEOUT",
  "WFM-INTERRUPTED",
  "WFM-INTERNAL",
  "WFM-ERROR-UNCLASSIFIED",
] as const satisfies readonly ErrorCode[];

export type ClassifyCode = (typeof CLASSIFY_CODES)[number];

/** What one classifier saw: a code, the observation, and values for the placeholders. */
export interface Classification {
  readonly code: ClassifyCode;
  /** What was observed, as a sentence. Secrets are removed before it is shown. */
  readonly message: string;
  /** Observed values for the catalogue's `{placeholders}`; they override the caller's. */
  readonly context?: ErrorContext;
  readonly retryAfterMs?: number;
}

export interface ClassifierInput {
  /** Milliseconds since the epoch, for rate-limit resets; classify never reads a clock itself. */
  readonly now: number | undefined;
  readonly signal: AbortSignal | undefined;
  /** The caller's context (`runId`, `cwd`, `branch` …). */
  readonly context: ErrorContext;
}

/** Looks at one value of an error's cause chain; `undefined` means "not mine". */
export type Classifier = (value: unknown, input: ClassifierInput) => Classification | undefined;
