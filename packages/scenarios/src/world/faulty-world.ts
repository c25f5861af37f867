import { RequestError } from "@octokit/request-error";
import type { FaultJournal, SeededRandom } from "@workflowmaster/chaos";
import { FaultLayer } from "@workflowmaster/chaos";
import type { Ledger } from "@workflowmaster/core/testing";

/** Faults at the world's boundary, as a remote service would show them. */
export interface WorldFaults {
  /** Per call: the request fails before it reaches the service (connection reset). */
  resetBeforeApply?: number;
  /** Per call: the service applies the write but the response is lost. */
  ghostWrite?: number;
  /** The n-th call is refused by a primary rate limit lasting `resetInMs`. */
  rateLimit?: { nthCall: number; resetInMs: number };
  /** The first `calls` calls all fail: a total outage that then heals. */
  outage?: { calls: number };
}

export interface FaultyWorld {
  apply(key: string): Promise<void>;
  /** Calls that reached the boundary, failed or not. */
  readonly calls: number;
}

function connectionReset(key: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`read ECONNRESET while applying ${key}`), {
    code: "ECONNRESET",
    errno: -104,
    syscall: "read",
  });
}

/**
 * Wraps the ledger with seeded faults, each recorded in the fault journal
 * (layer `github`: the world stands in for the GitHub API).
 */
export function createFaultyWorld(options: {
  ledger: Ledger;
  random: SeededRandom;
  journal: FaultJournal;
  now: () => number;
  faults: WorldFaults;
}): FaultyWorld {
  const { ledger, random, journal, faults, now } = options;
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async apply(key) {
      calls += 1;
      if (faults.outage !== undefined && calls <= faults.outage.calls) {
        journal.record({ layer: FaultLayer.Github, fault: "outage", target: key });
        throw connectionReset(key);
      }
      if (faults.rateLimit !== undefined && calls === faults.rateLimit.nthCall) {
        journal.record({ layer: FaultLayer.Github, fault: "rate-limit", target: key });
        const reset = Math.ceil((now() + faults.rateLimit.resetInMs) / 1000);
        throw new RequestError("API rate limit exceeded for user ID 1.", 403, {
          request: { method: "POST", url: "https://api.github.com/repos/o/r/issues", headers: {} },
          response: {
            status: 403,
            url: "https://api.github.com/repos/o/r/issues",
            headers: {
              "x-ratelimit-limit": "5000",
              "x-ratelimit-remaining": "0",
              "x-ratelimit-reset": String(reset),
              "x-ratelimit-resource": "core",
            },
            data: { message: "API rate limit exceeded for user ID 1." },
          },
        });
      }
      if (faults.resetBeforeApply !== undefined && random.chance(faults.resetBeforeApply)) {
        journal.record({ layer: FaultLayer.Github, fault: "reset", target: key });
        throw connectionReset(key);
      }
      await ledger.apply(key);
      if (faults.ghostWrite !== undefined && random.chance(faults.ghostWrite)) {
        journal.record({ layer: FaultLayer.Github, fault: "ghost-write", target: key });
        throw connectionReset(key);
      }
    },
  };
}
