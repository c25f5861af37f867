import type { WorkflowMasterError } from "../errors/index.js";
import { WorkflowMasterError as WfmError } from "../errors/index.js";
import { retry } from "../retry/index.js";
import { GITHUB_TARGET, type GithubClient } from "./github-client.js";
import { type RepoRef, repoSlug } from "./repo-ref.js";

/** Codes whose wait is a GitHub rate limit, announced as `rate-limit.waiting`. */
const RATE_LIMIT_CODES: ReadonlySet<string> = new Set([
  "WFM-GITHUB-RATE-LIMITED",
  "WFM-GITHUB-SECONDARY-RATE-LIMITED",
  "WFM-GITHUB-CREATION-BLOCKED",
]);

/** A century: "no limit here" for retry()'s own deadline (it must be a finite integer). */
const NO_LIMIT_MS = 100 * 365 * 24 * 3_600_000;

export interface GithubCallOptions {
  /** The run the call belongs to: events and error guidance name it (default: the client's `runId`). */
  runId?: string;
  repo?: RepoRef;
  phase?: string;
  /** The branch an error's guidance should name (pull requests). */
  branch?: string;
  /** Aborting stops the call, including any wait, at once. */
  signal?: AbortSignal;
}

/**
 * Runs one GitHub operation under the client's retry policy (core/retry on
 * the client's Clock): transient failures are retried, waiting exactly as
 * long as GitHub asked (`retry-after`, the primary limit's reset; for a
 * secondary limit without a hint 60 s, doubling if it repeats) or with
 * full-jitter backoff otherwise;
 * permanent ones (401, 403 permission, 404, 422 …) are thrown at once,
 * classified. Before each rate-limit wait `rate-limit.waiting` is emitted.
 * When the waits of this call would add up to more than `maxWaitMs`, the call
 * stops with the classified error of the last attempt, so the engine can
 * pause the run with its guidance.
 *
 * `operation` must be safe to run again: a read, or a write that looks its
 * effect up first (see `ensureOnce`). Nothing here re-sends a write blindly.
 */
export async function callGithub<T>(
  client: GithubClient,
  operation: (signal: AbortSignal) => Promise<T>,
  options: GithubCallOptions,
): Promise<T> {
  const runtime = client.workflowmaster;
  const { clock } = runtime;
  const runId = options.runId ?? runtime.runId;
  if (runId === undefined) {
    throw new TypeError("callGithub needs a `runId`, in its options or the client's.");
  }
  const context = {
    runId,
    ...(options.repo === undefined ? {} : { repo: repoSlug(options.repo) }),
    ...(options.phase === undefined ? {} : { phase: options.phase }),
    ...(options.branch === undefined ? {} : { branch: options.branch }),
  };
  let waitedMs = 0;
  // Each raw error is classified once, so a secondary limit is counted once.
  const classified = new WeakMap<object, WorkflowMasterError>();
  let unhintedSecondary = 0;
  return retry(({ signal }) => operation(signal), {
    policy: {
      maxAttempts: runtime.retry.maxAttempts,
      baseDelayMs: runtime.retry.baseDelayMs,
      maxDelayMs: runtime.retry.maxDelayMs,
      // No deadline or server-wait limit of retry()'s own: they would stop
      // with WFM-RETRY-EXHAUSTED before the cap below could stop with the
      // real (rate-limit) error. The call stays bounded: its waits by
      // `maxWaitMs`, its attempts by `maxAttempts`, each request by the
      // client's request timeout.
      deadlineMs: NO_LIMIT_MS,
      maxServerWaitMs: NO_LIMIT_MS,
    },
    clock,
    random: runtime.random,
    classify: (error) => {
      if (typeof error === "object" && error !== null) {
        const known = classified.get(error);
        if (known !== undefined) return known;
      }
      let result = runtime.classify(error, context);
      if (SECONDARY_CODES.has(result.code) && retryAfterHeader(error) === undefined) {
        unhintedSecondary += 1;
        result = escalated(result, unhintedSecondary);
      }
      if (typeof error === "object" && error !== null) classified.set(error, result);
      return result;
    },
    ...(runtime.budget === undefined ? {} : { budget: runtime.budget, target: GITHUB_TARGET }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    context,
    onRetry: async ({ attempt, delayMs, error }) => {
      if (waitedMs + delayMs > runtime.maxWaitMs) {
        throw capped(error, waitedMs, delayMs, runtime.maxWaitMs);
      }
      waitedMs += delayMs;
      const until = new Date(clock.now() + delayMs).toISOString();
      runtime.log(
        "info",
        `${error.code} after attempt ${attempt}: waiting ${seconds(delayMs)} until ${until}`,
      );
      if (RATE_LIMIT_CODES.has(error.code)) {
        await runtime.emit?.({
          type: "rate-limit.waiting",
          runId,
          target: GITHUB_TARGET,
          until,
          delayMs,
        });
      }
    },
  });
}

/** Secondary limits: when GitHub gives no `retry-after`, the wait is ours to choose. */
const SECONDARY_CODES: ReadonlySet<string> = new Set([
  "WFM-GITHUB-SECONDARY-RATE-LIMITED",
  "WFM-GITHUB-CREATION-BLOCKED",
]);

/** A repeated unhinted secondary limit waits at most this long (16 min). */
const MAX_SECONDARY_WAIT_MS = 960_000;

function retryAfterHeader(error: unknown): string | undefined {
  const headers = (error as { response?: { headers?: Record<string, unknown> } } | null)?.response
    ?.headers;
  const value = headers?.["retry-after"];
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/**
 * GitHub's rule for a secondary limit without `retry-after`: wait at least a
 * minute, "then back off exponentially". `classify` gives the minute; the
 * n-th such limit in one call waits 60 s · 2^(n-1), at most 16 min.
 */
function escalated(error: WorkflowMasterError, occurrence: number): WorkflowMasterError {
  const base = error.retryAfterMs ?? 60_000;
  const waitMs = Math.min(base * 2 ** (occurrence - 1), MAX_SECONDARY_WAIT_MS);
  if (occurrence === 1 || waitMs === error.retryAfterMs) return error;
  const fields = error.toJSON();
  return new WfmError({
    ...fields,
    message: `${fields.message} (secondary limit ${occurrence} times in a row without retry-after: backing off to ${seconds(waitMs)})`,
    retryAfterMs: waitMs,
    cause: error.cause,
  });
}

/** The last attempt's own error, saying why no more waiting was done. */
function capped(
  error: WorkflowMasterError,
  waitedMs: number,
  delayMs: number,
  maxWaitMs: number,
): WorkflowMasterError {
  const fields = error.toJSON();
  return new WfmError({
    ...fields,
    message: `${fields.message} (stopped waiting: ${seconds(delayMs)} more after ${seconds(waitedMs)} would pass the ${seconds(maxWaitMs)} cap)`,
    cause: error.cause,
  });
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
