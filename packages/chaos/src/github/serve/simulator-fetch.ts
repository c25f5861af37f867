import { getResponse } from "msw";
import type { GithubSimulator } from "../github-simulator.js";

/**
 * A `fetch` that answers from this simulator's handlers directly, with no
 * global interception: each caller gets its own simulator, so many cases can
 * run side by side in one process (msw's `setupServer` patches globals and
 * allows one at a time). A dropped connection or a lost response becomes
 * the error undici gives for a reset connection (`TypeError: fetch failed`,
 * cause ECONNRESET), which Octokit reports as a status-500 RequestError.
 */
export function simulatorFetch(simulator: GithubSimulator): typeof globalThis.fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const response = await getResponse(simulator.handlers, request);
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
