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

export type { Closed, CloseInput } from "./close-once.js";

const issue = (client: GithubClient): Closable => ({
  noun: "issue",
  read: ({ owner, repo, number, signal }) =>
    client.rest.issues.get({ owner, repo, issue_number: number, request: { signal } }),
  close: ({ owner, repo, number, signal }) =>
    client.rest.issues.update({
      owner,
      repo,
      issue_number: number,
      state: "closed",
      request: { signal },
    }),
});

/** Closes the issue (a rollback's compensation), idempotently: see `closeOnce`. */
export function closeIssue(
  client: GithubClient,
  repo: RepoRef,
  input: CloseInput,
): Promise<Closed> {
  return closeOnce(client, repo, input, issue(client));
}

/** Observes that the issue is closed. For a rollback's check. */
export function observeIssueClosed(
  client: GithubClient,
  repo: RepoRef,
  input: CloseInput,
): Promise<Result<void, string>> {
  return observeClosed(client, repo, input, issue(client));
}
