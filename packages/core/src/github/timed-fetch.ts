import type { Clock, Fetch } from "../ports/index.js";

/** Statuses whose response may not carry a body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The per-request timeout's reason. `code` is the errno Node gives a socket
 * that timed out, so `classify` reads the Octokit error that wraps it as
 * `WFM-NET-TIMEOUT` with no special case.
 */
export class GithubRequestTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(readonly timeoutMs: number) {
    super(`GitHub did not answer within ${timeoutMs / 1000} s`);
    this.name = "TimeoutError";
  }
}

export interface TimedFetchOptions {
  /** For writes (any method but GET and HEAD). */
  timeoutMs: number;
  /** For reads (GET, HEAD); default `timeoutMs`. */
  readTimeoutMs?: number;
  /**
   * Times the request. It guards real I/O, so production and HTTP tests use
   * the system clock: a virtual clock jumps ahead as soon as the event loop
   * is idle, which it is while a real socket waits, and would cut every
   * request short. Tests whose latency is itself virtual pass the virtual clock.
   */
  clock: Clock;
}

/**
 * A fetch that gives up after `timeoutMs`, so a hung connection becomes an
 * error instead of a stuck run. The whole body is read under the timeout and
 * handed on as a buffered Response: Octokit reads the body after `fetch`
 * resolves and, for JSON, turns a body that broke off half-way into `""`
 * instead of an error; reading it here turns that into a transport error.
 */
export function timedFetch(fetch: Fetch, options: TimedFetchOptions): Fetch {
  const { clock } = options;
  return async (input, init) => {
    const method = (init?.method ?? "GET").toUpperCase();
    const read = method === "GET" || method === "HEAD";
    const timeoutMs = read ? (options.readTimeoutMs ?? options.timeoutMs) : options.timeoutMs;
    const timeout = new AbortController();
    const timer = new AbortController();
    clock.sleep(timeoutMs, timer.signal).then(
      () => timeout.abort(new GithubRequestTimeoutError(timeoutMs)),
      (error: unknown) => {
        // Stopped because the exchange finished: nothing to do. Anything else is a broken clock.
        if (!timer.signal.aborted) timeout.abort(error);
      },
    );
    const signal =
      init?.signal == null ? timeout.signal : AbortSignal.any([init.signal, timeout.signal]);
    try {
      const response = await fetch(input, { ...init, signal });
      const body =
        NULL_BODY_STATUSES.has(response.status) || method === "HEAD"
          ? null
          : await response.arrayBuffer();
      const buffered = new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      // Octokit reports `response.url`; a constructed Response has none of its own.
      Object.defineProperty(buffered, "url", { value: response.url });
      return buffered;
    } finally {
      timer.abort();
    }
  };
}
