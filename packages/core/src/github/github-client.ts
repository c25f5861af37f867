import { type ThrottlingOptions, throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { z } from "zod";
import type { ErrorContext, WorkflowMasterError } from "../errors/index.js";
import { classify, WorkflowMasterError as WfmError } from "../errors/index.js";
import type { WorkflowEvent } from "../monitor/events.js";
import type { Clock, FaultPoints, Fetch, Random } from "../ports/index.js";
import { noFaultPoints, systemClock } from "../ports/index.js";
import type { RetryBudget } from "../retry/index.js";
import { createClockLimiterGroup, createClockRetryLimiter } from "./clock-limiter.js";
import { createGithubLog, type GithubLogSink, quietGithubLog } from "./github-log.js";
import { createTokenRedactor } from "./redact-token.js";
import { timedFetch } from "./timed-fetch.js";

/**
 * GitHub's client rules as limiter settings (github-api.md §2.5, §6.3): at
 * most 10 requests in flight; writes one at a time and at least 1 s apart;
 * writes that notify people (issues, pull requests, comments) 3 s apart,
 * which also keeps under the 80-creations-a-minute secondary limit; search
 * 2 s apart (its bucket is 30 a minute). These are plugin-throttling's own
 * numbers, kept, only timed on the injected Clock.
 */
export const GITHUB_THROTTLE = {
  maxConcurrent: 10,
  writeSpacingMs: 1_000,
  notificationSpacingMs: 3_000,
  searchSpacingMs: 2_000,
} as const;

/**
 * - `maxWaitMs` 3 660 000: a primary limit resets within the hour, and
 *   clients wait a second past the reset, so one honest wait always fits,
 *   with a minute to spare; waiting more than that in one operation means
 *   something is wrong, and the run is better paused with guidance.
 * - `requestTimeoutMs` 30 000, for writes: GitHub itself cuts a request off
 *   after 10 s ("Server Error"), so an answer that has not come after 30 s
 *   is a hung connection, not a slow server. Keeping it above GitHub's own
 *   cut-off matters for writes: by the time a create times out here, GitHub
 *   has finished with it one way or the other, so the lookup that follows
 *   sees the truth instead of racing a write still in flight.
 * - `readTimeoutMs` 10 000, for reads (GET, HEAD): nothing to race, so a
 *   hung read is given up at GitHub's own cut-off and retried at once.
 * - `maxAttempts` 8: a burst of 5xx or dropped connections is ridden out
 *   (with full-jitter backoff of at most 1+2+4+…+60 s ≈ 2 min in all) while
 *   a real outage still ends the operation in minutes; a retry budget, when
 *   given, cuts it shorter.
 * - `lookupPerPage` 100, `lookupMaxPages` 10: a lookup reads at most the
 *   1 000 newest candidates before falling back to search.
 */
export const GITHUB_CLIENT_DEFAULTS = {
  baseUrl: "https://api.github.com",
  maxWaitMs: 3_600_000 + 60_000,
  requestTimeoutMs: 30_000,
  readTimeoutMs: 10_000,
  userAgent: "workflowmaster",
  maxAttempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  lookupPerPage: 100,
  lookupMaxPages: 10,
} as const;

/** The budget key and the `target` of `rate-limit.waiting` events. */
export const GITHUB_TARGET = "github";

// The throttling plugin adds no methods, so the instance type is @octokit/rest's own.
const ThrottledOctokit: typeof Octokit = Octokit.plugin(throttling);
export type GithubOctokit = Octokit;

export type EmitEvent = (event: WorkflowEvent) => void | Promise<void>;

export interface CreateGithubClientOptions {
  token: string;
  /** Default `https://api.github.com`; `GITHUB_API_URL` in the CLI. */
  baseUrl?: string;
  fetch: Fetch;
  /** Every wait (rate limits, backoff, write spacing) goes through it. */
  clock: Clock;
  random: Random;
  /** Shared with the engine so GitHub failures cannot become a retry storm. */
  budget?: RetryBudget;
  /** Receives `rate-limit.waiting` before each rate-limit wait. */
  emit?: EmitEvent;
  /** The run the events are about when an operation names none. */
  runId?: string;
  /** Cap on the total time one operation may spend waiting (default 61 min). */
  maxWaitMs?: number;
  userAgent?: string;
  /** A write with no complete answer after this long is abandoned (default 30 s). */
  requestTimeoutMs?: number;
  /** A read (GET, HEAD) with no complete answer after this long is abandoned (default 10 s). */
  readTimeoutMs?: number;
  /** Times `requestTimeoutMs` (default the system clock; see `timedFetch`). */
  timeoutClock?: Clock;
  /** Octokit's and the adapter's log lines, redacted; default: dropped. */
  log?: GithubLogSink;
  /** `github.issue.created`, `github.pull-request.created`. */
  faultPoints?: FaultPoints;
  /** Attempts and backoff for one operation (server-requested waits are exact). */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** How far a marker lookup reads before it falls back to search. */
  lookup?: { perPage?: number; maxPages?: number };
}

/** What the operations need besides Octokit itself; attached to the client. */
export interface GithubRuntime {
  readonly clock: Clock;
  readonly random: Random;
  readonly budget: RetryBudget | undefined;
  readonly emit: EmitEvent | undefined;
  readonly runId: string | undefined;
  readonly maxWaitMs: number;
  readonly faultPoints: FaultPoints;
  readonly retry: {
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
  };
  readonly lookup: { perPage: number; maxPages: number };
  /** Removes the token (literally) and other credentials from text. */
  readonly redact: (text: string) => string;
  /** The adapter's own log lines (already routed like Octokit's). */
  readonly log: GithubLogSink;
  /** `classify`, at the clock's time, with the token removed from every field. */
  classify(error: unknown, context?: ErrorContext): WorkflowMasterError;
  /** The token's login, once known (`GET /user`); `null` when GitHub will not say. */
  login: Promise<string | null> | undefined;
}

/** An Octokit (`@octokit/rest` + throttling) that carries what the operations need. */
export type GithubClient = GithubOctokit & { readonly workflowmaster: GithubRuntime };

const isFunction = (value: unknown) => typeof value === "function";
const hasMethods =
  (...names: string[]) =>
  (value: unknown) =>
    typeof value === "object" &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === "function");

const clockSchema = z.custom<Clock>(hasMethods("now", "sleep"), "must be a Clock (now, sleep)");

const optionsSchema = z.strictObject({
  token: z.string().trim().min(1, "must be a non-empty token"),
  baseUrl: z.url().default(GITHUB_CLIENT_DEFAULTS.baseUrl),
  fetch: z.custom<Fetch>(isFunction, "must be a fetch function"),
  clock: clockSchema,
  random: z.custom<Random>(hasMethods("next"), "must be a Random (next)"),
  budget: z
    .custom<RetryBudget>(hasMethods("tryAcquire", "recordSuccess"), "must be a RetryBudget")
    .optional(),
  emit: z.custom<EmitEvent>(isFunction, "must be a function").optional(),
  runId: z.string().min(1).optional(),
  maxWaitMs: z.int().min(0).default(GITHUB_CLIENT_DEFAULTS.maxWaitMs),
  userAgent: z.string().min(1).default(GITHUB_CLIENT_DEFAULTS.userAgent),
  requestTimeoutMs: z.int().min(1).default(GITHUB_CLIENT_DEFAULTS.requestTimeoutMs),
  readTimeoutMs: z.int().min(1).default(GITHUB_CLIENT_DEFAULTS.readTimeoutMs),
  timeoutClock: clockSchema.optional(),
  log: z.custom<GithubLogSink>(isFunction, "must be a function").optional(),
  faultPoints: z.custom<FaultPoints>(hasMethods("hit"), "must be FaultPoints (hit)").optional(),
  retry: z
    .strictObject({
      maxAttempts: z.int().min(1).default(GITHUB_CLIENT_DEFAULTS.maxAttempts),
      baseDelayMs: z.int().min(0).default(GITHUB_CLIENT_DEFAULTS.baseDelayMs),
      maxDelayMs: z.int().min(0).default(GITHUB_CLIENT_DEFAULTS.maxDelayMs),
    })
    .default({
      maxAttempts: GITHUB_CLIENT_DEFAULTS.maxAttempts,
      baseDelayMs: GITHUB_CLIENT_DEFAULTS.baseDelayMs,
      maxDelayMs: GITHUB_CLIENT_DEFAULTS.maxDelayMs,
    }),
  lookup: z
    .strictObject({
      perPage: z.int().min(1).max(100).default(GITHUB_CLIENT_DEFAULTS.lookupPerPage),
      maxPages: z.int().min(1).default(GITHUB_CLIENT_DEFAULTS.lookupMaxPages),
    })
    .default({
      perPage: GITHUB_CLIENT_DEFAULTS.lookupPerPage,
      maxPages: GITHUB_CLIENT_DEFAULTS.lookupMaxPages,
    }),
});

/**
 * An Octokit for WorkflowMaster: `@octokit/rest` with
 * `@octokit/plugin-throttling`, the injected fetch (under a per-request
 * timeout), a routed and redacted log, and everything the idempotent
 * operations need on `client.workflowmaster`.
 *
 * Why throttling is wired this way: the plugin does two jobs, and only one
 * of them is kept.
 * 1. Pacing: it sorts each request into Bottleneck limiters (writes one at a
 *    time, 1 s apart; notifying writes 3 s; search 2 s). Bottleneck waits
 *    with real timers, and its default limiters are module-global. The
 *    plugin lets each client pass its own limiters (`global`, `write`,
 *    `notifications`, `search`, `auth`, `retryLimiter`), so each client gets
 *    `clock-limiter.ts`'s Bottleneck-compatible shim, which waits only with
 *    `clock.sleep`. The plugin's routing stays (which path notifies, what
 *    is a write) and nothing is timed by Bottleneck.
 * 2. Retrying rate limits: `onRateLimit` / `onSecondaryRateLimit` return
 *    false, so the plugin never retries. The error reaches the operation's
 *    `retry()` (core/retry), which waits exactly what `classify` read from
 *    the response: `retry-after`, else the primary `x-ratelimit-reset`, else
 *    60 s for a secondary limit (doubling when it repeats, see
 *    `github-call.ts`); emits `rate-limit.waiting` first; spends
 *    nothing from the budget on a server-requested wait; and stops at
 *    `maxWaitMs`. Retrying here rather than in the plugin is what lets a
 *    write be looked up before it is sent again.
 */
export function createGithubClient(options: CreateGithubClientOptions): GithubClient {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `\`${issue.path.join(".") || "(options)"}\` ${issue.message}`)
      .join("; ");
    // The token is never echoed, even when it is the bad field.
    throw new TypeError(`Invalid GitHub client options: ${problems}.`);
  }
  const config = parsed.data;
  const redact = createTokenRedactor(config.token);
  const sink = config.log ?? quietGithubLog;
  const log = createGithubLog(sink, redact);
  const clock = config.clock;
  const fetch = timedFetch(config.fetch, {
    timeoutMs: config.requestTimeoutMs,
    readTimeoutMs: config.readTimeoutMs,
    clock: config.timeoutClock ?? systemClock,
  });

  const group = (maxConcurrent: number, minTimeMs: number) =>
    createClockLimiterGroup({ clock, maxConcurrent, minTimeMs });
  const limiters = {
    global: group(GITHUB_THROTTLE.maxConcurrent, 0),
    auth: group(1, 0),
    write: group(1, GITHUB_THROTTLE.writeSpacingMs),
    notifications: group(1, GITHUB_THROTTLE.notificationSpacingMs),
    search: group(1, GITHUB_THROTTLE.searchSpacingMs),
    retryLimiter: createClockRetryLimiter(clock, (error) =>
      log.error("A rate-limit handler failed: %s", error),
    ),
  };
  const onLimit =
    (kind: string) =>
    (retryAfterSeconds: number, request: { method: string; url: string }): boolean => {
      log.info(
        `GitHub ${kind} on ${request.method} ${request.url} (about ${retryAfterSeconds} s); the retry policy waits it out`,
      );
      return false;
    };
  const throttle = {
    ...limiters,
    onRateLimit: onLimit("rate limit"),
    onSecondaryRateLimit: onLimit("secondary rate limit"),
  } as unknown as ThrottlingOptions;

  const octokit = new ThrottledOctokit({
    auth: config.token,
    baseUrl: config.baseUrl.replace(/\/+$/, ""),
    userAgent: config.userAgent,
    log,
    // `request.log` is what @octokit/request itself warns through (deprecations).
    request: { fetch, log },
    throttle,
  });

  const runtime: GithubRuntime = {
    clock,
    random: config.random,
    budget: config.budget,
    emit: config.emit,
    runId: config.runId,
    maxWaitMs: config.maxWaitMs,
    faultPoints: config.faultPoints ?? noFaultPoints,
    retry: config.retry,
    lookup: config.lookup,
    redact,
    log: (level, message) => sink(level, redact(message)),
    classify: (error, context) =>
      withoutToken(classify(error, { now: clock.now(), context: context ?? {} }), redact),
    login: undefined,
  };
  Object.defineProperty(octokit, "workflowmaster", { value: runtime, enumerable: false });
  return octokit as GithubClient;
}

/** The same error with the token removed from every text a person or a file can see. */
function withoutToken(
  error: WorkflowMasterError,
  redact: (text: string) => string,
): WorkflowMasterError {
  const fields = error.toJSON();
  const clean = {
    message: redact(fields.message),
    guidance: redact(fields.guidance),
    command: fields.command === undefined ? undefined : redact(fields.command),
    automatic: fields.automatic === undefined ? undefined : redact(fields.automatic),
  };
  if (
    clean.message === fields.message &&
    clean.guidance === fields.guidance &&
    clean.command === fields.command &&
    clean.automatic === fields.automatic
  ) {
    return error;
  }
  return new WfmError({
    ...fields,
    ...clean,
    cause: error.cause,
  });
}
