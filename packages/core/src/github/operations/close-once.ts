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

/** What an issue and a pull request have in common here: read it, close it. */
export interface Closable {
  /** "issue", "pull request": in messages. */
  readonly noun: string;
  read(target: Target): Promise<{ data: { state: string; html_url: string } }>;
  close(target: Target): Promise<{ data: { html_url: string } }>;
}

export interface Target {
  owner: string;
  repo: string;
  number: number;
  signal: AbortSignal;
}

/**
 * Closes it, idempotently: it is read first, and one already closed is
 * done. The close itself is a PATCH to a fixed state, so repeating it after
 * a lost answer is harmless.
 */
export function closeOnce(
  client: GithubClient,
  repo: RepoRef,
  input: CloseInput,
  closable: Closable,
): Promise<Closed> {
  const ref = parseRepoRef(repo);
  const number = parseIssueNumber(input.number, "number");
  return callGithub(
    client,
    async (signal) => {
      const target = { owner: ref.owner, repo: ref.repo, number, signal };
      const { data } = await closable.read(target);
      if (data.state === "closed") return { number, url: data.html_url, alreadyClosed: true };
      const { data: closed } = await closable.close(target);
      return { number, url: closed.html_url, alreadyClosed: false };
    },
    callOptions(input, ref),
  );
}

/** Observes that it is closed. For a rollback's check. */
export async function observeClosed(
  client: GithubClient,
  repo: RepoRef,
  input: CloseInput,
  closable: Closable,
): Promise<Result<void, string>> {
  const ref = parseRepoRef(repo);
  const number = parseIssueNumber(input.number, "number");
  const { data } = await callGithub(
    client,
    (signal) => closable.read({ owner: ref.owner, repo: ref.repo, number, signal }),
    callOptions(input, ref),
  );
  return data.state === "closed"
    ? ok(undefined)
    : err(`${closable.noun} #${number} on ${repoSlug(ref)} is still ${data.state}`);
}

function callOptions(input: CloseInput, ref: ReturnType<typeof parseRepoRef>) {
  return {
    runId: input.runId,
    repo: ref,
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  };
}
