import { z } from "zod";
import { err, ok, type Result } from "../../errors/index.js";
import { FaultPoint, type FaultPoints } from "../../ports/index.js";
import { callGithub } from "../github-call.js";
import type { GithubClient } from "../github-client.js";
import { hasMarker, markerFor, withMarker } from "../marker.js";
import { parseRepoRef, type RepoRef, repoSlug } from "../repo-ref.js";
import { authenticatedLogin } from "./authenticated-login.js";
import { ensureOnce } from "./ensure-once.js";
import { faultPointsSchema, parseInput } from "./parse-input.js";
import { readOrMissing } from "./read-or-missing.js";

/** An issue this run created or found again by its marker; JSON, so the engine can journal it. */
export interface IssueRef {
  readonly number: number;
  /** The issue's page (`html_url`). */
  readonly url: string;
  readonly nodeId: string;
  /** `created` by this call, or `found` by the run's marker (created earlier, or by a lost answer). */
  readonly origin: "created" | "found";
}

export interface FindIssueInput {
  runId: string;
  /** The marker's phase (default `issue`). */
  phase?: string;
  signal?: AbortSignal;
}

export interface EnsureIssueInput extends FindIssueInput {
  /**
   * Where `github.issue.created` is hit (default: the client's). A phase
   * passes `ctx.ports.faultPoints`, so the engine sees a crash there as the
   * process dying, not as a failed phase.
   */
  faultPoints?: FaultPoints;
  title: string;
  /** The marker is appended to it. */
  body: string;
  labels?: string[];
}

const findSchema = z.object({
  runId: z.string().min(1),
  phase: z.string().min(1).default("issue"),
  signal: z.instanceof(AbortSignal).optional(),
});

const ensureSchema = findSchema.extend({
  title: z.string().trim().min(1, "must be a non-empty title"),
  body: z.string(),
  labels: z.array(z.string().min(1)).optional(),
  faultPoints: faultPointsSchema.optional(),
});

interface IssueData {
  number: number;
  html_url: string;
  node_id: string;
  body?: string | null;
  pull_request?: unknown;
}

function issueRef(issue: IssueData, origin: IssueRef["origin"]): IssueRef {
  return { number: issue.number, url: issue.html_url, nodeId: issue.node_id, origin };
}

/** Finds the issue carrying the run's marker for `phase`, or `undefined`. Reads are retried. */
export function findIssueByMarker(
  client: GithubClient,
  repo: RepoRef,
  input: FindIssueInput,
): Promise<IssueRef | undefined> {
  const ref = parseRepoRef(repo);
  const { runId, phase, signal } = parseInput(findSchema, input, "findIssueByMarker");
  const marker = markerFor({ runId, phase });
  return callGithub(client, (attemptSignal) => lookupIssue(client, ref, marker, attemptSignal), {
    runId,
    repo: ref,
    phase,
    ...(signal === undefined ? {} : { signal }),
  });
}

/**
 * The run's issue: found by its marker, or created with the marker appended
 * to `body`. A create whose answer was lost is looked up before it is ever
 * sent again (`ensureOnce`), so the run gets exactly one issue. Hits
 * `github.issue.created` once a create is acknowledged.
 */
export async function ensureIssue(
  client: GithubClient,
  repo: RepoRef,
  input: EnsureIssueInput,
): Promise<IssueRef> {
  const ref = parseRepoRef(repo);
  const { runId, phase, signal, title, body, labels, faultPoints } = parseInput(
    ensureSchema,
    input,
    "ensureIssue",
  );
  const marker = markerFor({ runId, phase });
  const issue = await ensureOnce(
    client,
    {
      lookup: (attemptSignal) => lookupIssue(client, ref, marker, attemptSignal),
      create: async (attemptSignal) => {
        const { data } = await client.rest.issues.create({
          owner: ref.owner,
          repo: ref.repo,
          title,
          body: withMarker(body, marker),
          ...(labels === undefined ? {} : { labels }),
          request: { signal: attemptSignal },
        });
        return issueRef(data, "created");
      },
    },
    { runId, repo: ref, phase, ...(signal === undefined ? {} : { signal }) },
  );
  // Outside the retry: a fault point that "kills the process" must not be classified or retried.
  if (issue.origin === "created") {
    await (faultPoints ?? client.workflowmaster.faultPoints).hit(FaultPoint.GithubIssueCreated, {
      runId,
      phase,
    });
  }
  return issue;
}

/**
 * Observes the issue: it exists, is an issue (not a pull request) and carries
 * the run's marker. For a phase's `postcondition`.
 */
export async function observeIssue(
  client: GithubClient,
  repo: RepoRef,
  input: FindIssueInput & { number: number },
): Promise<Result<void, string>> {
  const ref = parseRepoRef(repo);
  const { runId, phase, signal, number } = parseInput(
    findSchema.extend({ number: z.int().min(1) }),
    input,
    "observeIssue",
  );
  const marker = markerFor({ runId, phase });
  const where = `issue #${number} on ${repoSlug(ref)}`;
  const issue = await callGithub(
    client,
    (attemptSignal) =>
      readOrMissing(client, async () => {
        const { data } = await client.rest.issues.get({
          owner: ref.owner,
          repo: ref.repo,
          issue_number: number,
          request: { signal: attemptSignal },
        });
        return data;
      }),
    { runId, repo: ref, phase, ...(signal === undefined ? {} : { signal }) },
  );
  if (issue === undefined) return err(`${where} was not found`);
  if (issue.pull_request != null) return err(`${where} is a pull request, not an issue`);
  if (!hasMarker(issue.body, marker)) {
    return err(`${where} does not carry the marker of run ${runId}, phase ${phase}`);
  }
  return ok(undefined);
}

/**
 * Lists the token's own issues, newest first, up to `lookup.maxPages` pages;
 * a run's issue is among the newest, so that is almost always enough. Only
 * when the listing was cut short does it ask search, whose bucket is small
 * (30 a minute) and whose index lags behind a fresh write.
 */
async function lookupIssue(
  client: GithubClient,
  ref: RepoRef,
  marker: string,
  signal: AbortSignal,
): Promise<IssueRef | undefined> {
  const { perPage, maxPages } = client.workflowmaster.lookup;
  const login = await authenticatedLogin(client, signal);
  let pages = 0;
  for await (const response of client.paginate.iterator(client.rest.issues.listForRepo, {
    owner: ref.owner,
    repo: ref.repo,
    state: "all",
    sort: "created",
    direction: "desc",
    per_page: perPage,
    ...(login === null ? {} : { creator: login }),
    request: { signal },
  })) {
    pages += 1;
    const mine = response.data.find(
      (issue) => issue.pull_request == null && hasMarker(issue.body, marker),
    );
    if (mine !== undefined) return issueRef(mine, "found");
    if (pages >= maxPages) {
      if (!/\brel="next"/.test(response.headers.link ?? "")) return undefined;
      return searchIssue(client, ref, marker, signal);
    }
  }
  return undefined;
}

async function searchIssue(
  client: GithubClient,
  ref: RepoRef,
  marker: string,
  signal: AbortSignal,
): Promise<IssueRef | undefined> {
  const phrase = marker.replace(/^<!-- /, "").replace(/ -->$/, "");
  const { data } = await client.rest.search.issuesAndPullRequests({
    q: `"${phrase}" repo:${repoSlug(ref)} is:issue in:body`,
    per_page: 100,
    request: { signal },
  });
  const mine = data.items.find(
    (issue) => issue.pull_request == null && hasMarker(issue.body, marker),
  );
  return mine === undefined ? undefined : issueRef(mine, "found");
}
