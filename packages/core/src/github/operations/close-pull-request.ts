import type { Result } from "../../errors/index.js";
import type { GithubClient } from "../github-client.js";
import type { RepoRef } from "../repo-ref.js";
import {
  type Closable,
  type Closed,
  type CloseInput,
  closeOnce,
  observeClosed,
} from "./close-once.js";

const pullRequest = (client: GithubClient): Closable => ({
  noun: "pull request",
  read: ({ owner, repo, number, signal }) =>
    client.rest.pulls.get({ owner, repo, pull_number: number, request: { signal } }),
  close: ({ owner, repo, number, signal }) =>
    client.rest.pulls.update({
      owner,
      repo,
      pull_number: number,
      state: "closed",
      request: { signal },
    }),
});

/**
 * Closes the pull request (a rollback's compensation), idempotently: see
 * `closeOnce`; one merged counts as closed. Do not call it for an `adopted`
 * pull request: that one is not the run's to close.
 */
export function closePullRequest(
  client: GithubClient,
  repo: RepoRef,
  input: CloseInput,
): Promise<Closed> {
  return closeOnce(client, repo, input, pullRequest(client));
}

/** Observes that the pull request is closed. For a rollback's check. */
export function observePullRequestClosed(
  client: GithubClient,
  repo: RepoRef,
  input: CloseInput,
): Promise<Result<void, string>> {
  return observeClosed(client, repo, input, pullRequest(client));
}
