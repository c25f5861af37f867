import { callGithub, type GithubCallOptions } from "../github-call.js";
import type { GithubClient } from "../github-client.js";

export interface EnsureOnceSteps<T> {
  /** Finds the effect if it already exists (a read). */
  lookup(signal: AbortSignal): Promise<T | undefined>;
  /** Creates it: one write, sent at most once per attempt, and only after a lookup found nothing. */
  create(signal: AbortSignal): Promise<T>;
}

/**
 * Look up, then create only if absent — and every retry starts again from
 * the lookup. A create that failed indeterminately (connection dropped, 5xx,
 * timeout: GitHub may have applied it and lost the answer, a "ghost write")
 * is therefore reconciled before anything is sent again, and a create that
 * GitHub refused (rate limit) costs one extra read. No write is ever re-sent
 * blindly.
 */
export function ensureOnce<T>(
  client: GithubClient,
  steps: EnsureOnceSteps<T>,
  options: GithubCallOptions,
): Promise<T> {
  return callGithub(
    client,
    async (signal) => (await steps.lookup(signal)) ?? (await steps.create(signal)),
    options,
  );
}
