import type { WorkflowMasterError } from "../errors/workflow-master-error.js";
import type { GitSession } from "./git-session.js";

/**
 * Where `branch` is on the remote, by `git ls-remote` (the remote's own
 * answer, not a tracking ref): its commit, or undefined when the remote has
 * no such branch. A failure throws, classified (a time-out is
 * WFM-NET-TIMEOUT: the remote may or may not be there).
 */
export async function remoteBranchSha(
  session: GitSession,
  branch: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  const result = await session.timed(["ls-remote", "--", session.options.remote, ref], {
    timeoutMs: session.options.remoteTimeoutMs,
    signal,
  });
  if (signal?.aborted === true) throw signal.reason;
  if (result.exitCode !== 0) throw lsRemoteFailure(session, result, branch);
  for (const line of result.stdout.split("\n")) {
    const [sha, name] = line.split("\t");
    if (name === ref && sha !== undefined) return sha;
  }
  return undefined;
}

function lsRemoteFailure(
  session: GitSession,
  result: Awaited<ReturnType<GitSession["timed"]>>,
  branch: string,
): WorkflowMasterError {
  if (result.timedOut) {
    const detail = `git ls-remote got no answer within ${session.options.remoteTimeoutMs / 1000} s`;
    return session.error("WFM-NET-TIMEOUT", {
      message: `Looking up ${branch} on ${session.options.remote} timed out: ${detail}.`,
      context: { branch, detail },
    });
  }
  return session.classifyResult(result, { branch });
}
