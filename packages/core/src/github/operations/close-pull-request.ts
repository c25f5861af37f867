import type { Result } from "../../errors/index.js";
import { err, ok } from "../../errors/index.js";
import { callGithub } from "../github-call.js";
import type { GithubClient } from "../github-client.js";
import { parseRepoRef, type RepoRef, repoSlug } from "../repo-ref.js";
import type { Closed, CloseInput } from "./close-issue.js";
import { parseIssueNumber } from "./parse-input.js";

/**
 * Closes the pull request (a rollback's compensation). Idempotent: it is
 * read first, and one already closed (or merged) is done. Do not call it for
 * an `adopted` pull request: that one is not the run's to close.
 */
export function closePullRequest(
  client: GithubClient,
  repo: RepoRef,
  input: CloseInput,
): Promise<Closed> {
  const ref = parseRepoRef(repo);
  const number = parseIssueNumber(input.number, "number");
  return callGithub(
    client,
    async (signal) => {
      const target = { owner: ref.owner, repo: ref.repo, pull_number: number, request: { signal } };
      const { data } = await client.rest.pulls.get(target);
      if (data.state === "closed") return { number, url: data.html_url, alreadyClosed: true };
      const { data: closed } = await client.rest.pulls.update({ ...target, state: "closed" });
      return { number, url: closed.html_url, alreadyClosed: false };
    },
    {
      runId: input.runId,
      repo: ref,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    },
  );
}

/** Observes that the pull request is closed. For a rollback's check. */
export async function observePullRequestClosed(
  client: GithubClient,
  repo: RepoRef,
  input: CloseInput,
): Promise<Result<void, string>> {
  const ref = parseRepoRef(repo);
  const number = parseIssueNumber(input.number, "number");
  const { data } = await callGithub(
    client,
    (signal) =>
      client.rest.pulls.get({
        owner: ref.owner,
        repo: ref.repo,
        pull_number: number,
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
    : err(`pull request #${number} on ${repoSlug(ref)} is still ${data.state}`);
}
