import { getResponse } from "msw";
import type { GithubSimulator } from "../github-simulator.js";

/**
 * A `fetch` that answers from this simulator's handlers directly, with no
 * global interception: each caller gets its own simulator, so many cases can
 * run side by side in one process (msw's `setupServer` patches globals and
 * allows one at a time). A dropped connection or a lost response becomes
 * the error undici gives for a reset connection (`TypeError: fetch failed`,
 * cause ECONNRESET), which Octokit reports as a status-500 RequestError.
 * Aborting the request's signal rejects at once with the signal's reason, as
 * undici does, while the simulator goes on handling it (a slow or hung
 * request is cut off by the client, not by the server).
 */
export function simulatorFetch(simulator: GithubSimulator): typeof globalThis.fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    // Like undici: an already aborted signal sends nothing.
    if (request.signal.aborted) throw request.signal.reason;
    const response = await untilAborted(getResponse(simulator.handlers, request), request.signal);
    if (response === undefined) {
      throw new TypeError(
        `fetch failed: the GitHub simulator has no handler for ${request.method} ${request.url} (it serves ${simulator.baseUrl}).`,
      );
    }
    if (response.type === "error") {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("read ECONNRESET"), {
          code: "ECONNRESET",
          errno: -104,
          syscall: "read",
        }),
      });
    }
    return response;
  };
}

/** `work`, or the signal's reason as soon as it is aborted: a client that stops waiting. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
