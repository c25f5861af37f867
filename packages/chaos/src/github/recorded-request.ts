/** One request the simulator saw, for checkers (a Jepsen-style history). */
export interface RecordedRequest {
  /** 1, 2, 3 … in the order responses were produced. */
  readonly seq: number;
  /** Virtual time the request arrived, ISO-8601 UTC. */
  readonly at: string;
  readonly method: string;
  /** Path and query after the base URL: `/repos/o/r/issues?state=all`. */
  readonly path: string;
  /** Endpoint name (`issues.create`), or `unknown` for a path GitHub has no route for. */
  readonly endpoint: string;
  /** The status the simulator produced; 0 when it produced none (dropped before handling). */
  readonly status: number;
  /** False when the client got no response (dropped connection, ghost write). */
  readonly delivered: boolean;
  /** The `x-github-request-id` sent (or that would have been sent). */
  readonly requestId: string;
  /** The injected fault kind that hit this request, if any. */
  readonly fault?: string;
}
