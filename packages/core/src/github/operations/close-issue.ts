import type { Result } from "../../errors/index.js";
import { err, ok } from "../../errors/index.js";
import { callGithub } from "../github-call.js";
import type { GithubClient } from "../github-client.js";
import { parseRepoRef, type RepoRef, repoSlug } from "../repo-ref.js";
import { parseIssueNumber } from "./parse-input.js";

/** The outcome of a close; JSON, so a rollback can record it. */
export interface Closed {
  readonly number: number;
  readonly url: string;
  /** True when it was already closed (by someone, or by an earlier attempt whose answer was lost). */
  readonly alreadyClosed: boolean;
}

export interface CloseInput {
  runId: string;
  number: number;
  signal?: AbortSignal;
}

/**
 * Closes the issue (a rollback's compensation). Idempotent: it is read
 * first, and one already closed is done. The close itself is a PATCH to a
 * fixed state, so repeating it after a lost answer is harmless.
 */
export function closeIssue(
  client: GithubClient,
  repo: RepoRef,
  input: CloseInput,
): Promise<Closed> {
  const ref = parseRepoRef(repo);
  const number = parseIssueNumber(input.number, "number");
  return callGithub(
    client,
    async (signal) => {
      const target = {
        owner: ref.owner,
        repo: ref.repo,
        issue_number: number,
        request: { signal },
      };
      const { data } = await client.rest.issues.get(target);
      if (data.state === "closed") return { number, url: data.html_url, alreadyClosed: true };
      const { data: closed } = await client.rest.issues.update({ ...target, state: "closed" });
      return { number, url: closed.html_url, alreadyClosed: false };
    },
    {
      runId: input.runId,
      repo: ref,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    },
  );
}

/** Observes that the issue is closed. For a rollback's check. */
export async function observeIssueClosed(
  client: GithubClient,
  repo: RepoRef,
  input: CloseInput,
): Promise<Result<void, string>> {
  const ref = parseRepoRef(repo);
  const number = parseIssueNumber(input.number, "number");
  const { data } = await callGithub(
    client,
    (signal) =>
      client.rest.issues.get({
        owner: ref.owner,
        repo: ref.repo,
        issue_number: number,
        request: { signal },
      }),
    {
      runId: input.runId,
      repo: ref,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    },
  );
  return data.state === "closed"
    ? ok(undefined)
    : err(`issue #${number} on ${repoSlug(ref)} is still ${data.state}`);
}
