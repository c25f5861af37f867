import { z } from "zod";
import { err, ok, type Result } from "../../errors/index.js";
import { callGithub } from "../github-call.js";
import type { GithubClient } from "../github-client.js";
import { hasMarker, markerFor, withMarker } from "../marker.js";
import { parseRepoRef, type RepoRef, repoSlug } from "../repo-ref.js";
import { ensureOnce } from "./ensure-once.js";
import { parseInput } from "./parse-input.js";

/** A comment this run posted; JSON, so the engine can journal it. */
export interface CommentRef {
  readonly id: number;
  readonly url: string;
  readonly nodeId: string;
  readonly issueNumber: number;
  /** `created` by this call, or `found` by its marker. */
  readonly origin: "created" | "found";
}

export interface CommentInput {
  runId: string;
  /** The marker's phase (default `comment`). */
  phase?: string;
  /** The issue or pull request to comment on. */
  issueNumber: number;
  /** The marker (with `key`) is appended to it. */
  body: string;
  /** Tells this run's comments apart: one comment per key. */
  key: string;
  signal?: AbortSignal;
}

const commentSchema = z.object({
  runId: z.string().min(1),
  phase: z.string().min(1).default("comment"),
  issueNumber: z.int().min(1),
  body: z.string(),
  key: z.string().min(1),
  signal: z.instanceof(AbortSignal).optional(),
});

interface CommentData {
  id: number;
  html_url: string;
  node_id: string;
  body?: string | null;
}

function commentRef(
  comment: CommentData,
  issueNumber: number,
  origin: CommentRef["origin"],
): CommentRef {
  return { id: comment.id, url: comment.html_url, nodeId: comment.node_id, issueNumber, origin };
}

/**
 * Posts the comment once per `(runId, phase, key)`: the issue's comments are
 * searched for the marker first, and a post whose answer was lost is looked
 * up before anything is sent again.
 */
export function comment(
  client: GithubClient,
  repo: RepoRef,
  input: CommentInput,
): Promise<CommentRef> {
  const ref = parseRepoRef(repo);
  const { runId, phase, issueNumber, body, key, signal } = parseInput(
    commentSchema,
    input,
    "comment",
  );
  const marker = markerFor({ runId, phase, key });
  return ensureOnce(
    client,
    {
      lookup: async (attemptSignal) => {
        const found = await lookupComment(client, ref, issueNumber, marker, attemptSignal);
        return found === undefined ? undefined : commentRef(found, issueNumber, "found");
      },
      create: async (attemptSignal) => {
        const { data } = await client.rest.issues.createComment({
          owner: ref.owner,
          repo: ref.repo,
          issue_number: issueNumber,
          body: withMarker(body, marker),
          request: { signal: attemptSignal },
        });
        return commentRef(data, issueNumber, "created");
      },
    },
    { runId, repo: ref, phase, ...(signal === undefined ? {} : { signal }) },
  );
}

/**
 * Observes the comment: the issue's comments hold one with its marker, and
 * it is the one with `commentId`. For a `postcondition`.
 */
export async function observeComment(
  client: GithubClient,
  repo: RepoRef,
  input: {
    runId: string;
    phase?: string;
    key: string;
    issueNumber: number;
    commentId: number;
    signal?: AbortSignal;
  },
): Promise<Result<void, string>> {
  const ref = parseRepoRef(repo);
  const marker = markerFor({ runId: input.runId, phase: input.phase ?? "comment", key: input.key });
  const where = `the comments of #${input.issueNumber} on ${repoSlug(ref)}`;
  const found = await callGithub(
    client,
    (attemptSignal) => lookupComment(client, ref, input.issueNumber, marker, attemptSignal),
    {
      runId: input.runId,
      repo: ref,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    },
  );
  if (found === undefined) return err(`${where} hold none with the marker for key ${input.key}`);
  if (found.id !== input.commentId) {
    return err(
      `${where} hold the marker for key ${input.key} on comment ${found.id}, not ${input.commentId}`,
    );
  }
  return ok(undefined);
}

/**
 * Comments come oldest first, and a run's comment is among the newest: read
 * the first page, then walk back from the last page, `lookup.maxPages` pages
 * at most. Only a comment buried under more than that many newer ones is
 * missed.
 */
async function lookupComment(
  client: GithubClient,
  ref: RepoRef,
  issueNumber: number,
  marker: string,
  signal: AbortSignal,
): Promise<CommentData | undefined> {
  const { perPage, maxPages } = client.workflowmaster.lookup;
  const page = (number: number) =>
    client.rest.issues.listComments({
      owner: ref.owner,
      repo: ref.repo,
      issue_number: issueNumber,
      per_page: perPage,
      page: number,
      request: { signal },
    });
  const first = await page(1);
  const inFirst = first.data.find((item) => hasMarker(item.body, marker));
  if (inFirst !== undefined) return inFirst;
  const last = lastPage(first.headers.link);
  for (let number = last; number >= 2 && number > last - maxPages; number -= 1) {
    const { data } = await page(number);
    const found = data.find((item) => hasMarker(item.body, marker));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The `page` of a `link` header's `rel="last"`, or 1 when there is no further page. */
function lastPage(link: string | undefined): number {
  const target = /<([^>]+)>;\s*rel="last"/.exec(link ?? "")?.[1];
  if (target === undefined) return 1;
  const page = Number(new URL(target).searchParams.get("page"));
  return Number.isInteger(page) && page >= 1 ? page : 1;
}
