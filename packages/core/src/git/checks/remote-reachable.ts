import { ErrorKind } from "../../errors/error-kind.js";
import type { GitSession, TimedResult } from "../git-session.js";
import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import type { Check } from "./check.js";

const NAME = PreflightCheck.RemoteReachable;

/** Answers that mean "reached it, and it refused us": passed on as they are. */
const REACHED_BUT_REFUSED = new Set(["WFM-GIT-AUTH-FAILED", "WFM-GIT-PERMISSION-DENIED"]);

/**
 * The remote answers `git ls-remote --heads` within `remoteTimeoutMs`.
 * Credentials that are refused keep their own code (a person must act);
 * anything else that stops the answer is WFM-GIT-REMOTE-UNREACHABLE
 * (transient: the engine retries it).
 */
export const remoteReachableCheck: Check = {
  name: NAME,
  structural: false,
  remote: true,
  async run({ session, state, signal }) {
    const remote = session.options.remote;
    if (state.remoteMissing === true) {
      return { check: NAME, status: "skipped", detail: `skipped: there is no remote ${remote}` };
    }
    const result = await session.timed(["ls-remote", "--heads", remote], {
      timeoutMs: session.options.remoteTimeoutMs,
      signal,
    });
    if (signal?.aborted === true) throw signal.reason;
    if (result.exitCode === 0) {
      const heads = result.stdout.split("\n").filter(Boolean).length;
      return ok(NAME, `${remote} answered with ${heads} branch${heads === 1 ? "" : "es"}`);
    }
    return refused(NAME, unreachable(session, result));
  },
};

/** The error for a failed `ls-remote`. */
export function unreachable(session: GitSession, result: TimedResult) {
  const remote = session.options.remote;
  if (result.timedOut) {
    const detail = `git ls-remote got no answer within ${session.options.remoteTimeoutMs / 1000} s`;
    return session.error("WFM-GIT-REMOTE-UNREACHABLE", {
      message: `The remote ${remote} did not answer: ${detail}.`,
      context: { detail },
    });
  }
  const classified = session.classifyResult(result);
  if (REACHED_BUT_REFUSED.has(classified.code) || classified.kind === ErrorKind.Environmental)
    return classified;
  return session.error("WFM-GIT-REMOTE-UNREACHABLE", {
    message: `The remote ${remote} could not be reached: ${classified.message}`,
    context: { detail: `${classified.code}: ${classified.message}` },
    cause: classified,
  });
}
