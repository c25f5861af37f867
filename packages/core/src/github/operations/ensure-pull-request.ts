import { z } from "zod";
import { err, ok, type Result } from "../../errors/index.js";
import { FaultPoint, type FaultPoints } from "../../ports/index.js";
import { callGithub } from "../github-call.js";
import type { GithubClient } from "../github-client.js";
import { hasMarker, markerFor, withMarker } from "../marker.js";
import { parseRepoRef, type RepoRef, repoSlug } from "../repo-ref.js";
import { ensureOnce } from "./ensure-once.js";
import { faultPointsSchema, parseInput } from "./parse-input.js";
import { readOrMissing } from "./read-or-missing.js";

/**
 * How long a just-pushed branch is given to become visible before the one
 * re-check after GitHub's 422 "head invalid". Replication lag is usually
 * under a second (unverified: GitHub does not document it).
 */
export const HEAD_RECHECK_DELAY_MS = 2_000;

/** A pull request for the run's branch; JSON, so the engine can journal it. */
export interface PullRequestRef {
  readonly number: number;
  /** The pull request's page (`html_url`). */
  readonly url: string;
  readonly nodeId: string;
  /** The head branch's name (without the owner). */
  readonly head: string;
  readonly base: string;
  /**
   * `created` by this call; `found` by the run's marker (this run made it
   * earlier, or its answer was lost); `adopted`: an open pull request for
   * the same head and base that does not carry the marker — someone else's,
   * which GitHub would not let the run duplicate. A rollback should not
   * close an adopted pull request.
   */
  readonly origin: "created" | "found" | "adopted";
}

export interface FindPullRequestInput {
  runId: string;
  /** The marker's phase (default `pull-request`). */
  phase?: string;
  /** The head branch: `branch`, or `owner:branch` for a fork. */
  head: string;
  base: string;
  signal?: AbortSignal;
}

export interface EnsurePullRequestInput extends FindPullRequestInput {
  /** Where `github.pull-request.created` is hit (default: the client's); see `ensureIssue`. */
  faultPoints?: FaultPoints;
  title: string;
  /** The marker is appended to it. */
  body: string;
  draft?: boolean;
}

const branchName = z
  .string()
  .min(1)
  .regex(/^[^\s:~^?*[\\]+$/, "must be a branch name");

const findSchema = z.object({
  runId: z.string().min(1),
  phase: z.string().min(1).default("pull-request"),
  head: z
    .string()
    .regex(/^(?:[A-Za-z0-9-]+:)?[^\s:~^?*[\\]+$/, "must be `branch` or `owner:branch`"),
  base: branchName,
  signal: z.instanceof(AbortSignal).optional(),
});

const ensureSchema = findSchema.extend({
  title: z.string().trim().min(1, "must be a non-empty title"),
  body: z.string(),
  draft: z.boolean().optional(),
  faultPoints: faultPointsSchema.optional(),
});

interface PullData {
  number: number;
  html_url: string;
  node_id: string;
  state: string;
  body?: string | null;
  head: { ref: string };
  base: { ref: string };
}

interface Wanted {
  readonly ref: RepoRef;
  /** `owner:branch`, as `GET /pulls?head=` wants it. */
  readonly headLabel: string;
  readonly headOwner: string;
  readonly branch: string;
  readonly base: string;
  readonly marker: string;
}

function wanted(ref: RepoRef, head: string, base: string, marker: string): Wanted {
  const colon = head.indexOf(":");
  const headOwner = colon === -1 ? ref.owner : head.slice(0, colon);
  const branch = colon === -1 ? head : head.slice(colon + 1);
  return { ref, headLabel: `${headOwner}:${branch}`, headOwner, branch, base, marker };
}

function pullRef(pull: PullData, origin: PullRequestRef["origin"]): PullRequestRef {
  return {
    number: pull.number,
    url: pull.html_url,
    nodeId: pull.node_id,
    head: pull.head.ref,
    base: pull.base.ref,
    origin,
  };
}

/**
 * The run's pull request for `head` → `base` if there is one: the one that
 * carries the run's marker (any state), else an open one for the same head
 * and base (`adopted`). Reads are retried.
 */
export function findPullRequest(
  client: GithubClient,
  repo: RepoRef,
  input: FindPullRequestInput,
): Promise<PullRequestRef | undefined> {
  const ref = parseRepoRef(repo);
  const { runId, phase, head, base, signal } = parseInput(findSchema, input, "findPullRequest");
  const want = wanted(ref, head, base, markerFor({ runId, phase }));
  return callGithub(client, (attemptSignal) => lookupPullRequest(client, want, attemptSignal), {
    runId,
    repo: ref,
    phase,
    ...(signal === undefined ? {} : { signal }),
  });
}

/**
 * The run's pull request: looked up by head first (`state=all`), created
 * only if absent. GitHub's 422 "A pull request already exists" is adopted
 * (the existing one is looked up and returned); a 422 for an invalid head
 * re-checks the branch once and, if GitHub now has it, tries once more. A
 * create whose answer was lost is looked up before anything is re-sent.
 * Hits `github.pull-request.created` once a create is acknowledged.
 */
export async function ensurePullRequest(
  client: GithubClient,
  repo: RepoRef,
  input: EnsurePullRequestInput,
): Promise<PullRequestRef> {
  const ref = parseRepoRef(repo);
  const { runId, phase, head, base, signal, title, body, draft, faultPoints } = parseInput(
    ensureSchema,
    input,
    "ensurePullRequest",
  );
  const want = wanted(ref, head, base, markerFor({ runId, phase }));
  const classify = (error: unknown) =>
    client.workflowmaster.classify(error, { runId, repo: repoSlug(ref), branch: want.branch });
  let headRechecked = false;

  const send = async (signal: AbortSignal): Promise<PullRequestRef> => {
    const { data } = await client.rest.pulls.create({
      owner: ref.owner,
      repo: ref.repo,
      head,
      base,
      title,
      body: withMarker(body, want.marker),
      ...(draft === undefined ? {} : { draft }),
      request: { signal },
    });
    return pullRef(data, "created");
  };

  const create = async (signal: AbortSignal): Promise<PullRequestRef> => {
    try {
      return await send(signal);
    } catch (error) {
      const code = classify(error).code;
      if (code === "WFM-GITHUB-PR-EXISTS") {
        // GitHub says it exists: it is the answer, once we can see it.
        const existing = await lookupPullRequest(client, want, signal);
        if (existing !== undefined) return existing;
        throw error;
      }
      if (code === "WFM-GITHUB-HEAD-INVALID" && !headRechecked) {
        headRechecked = true;
        // The push may not be visible yet: give it a moment, check the branch
        // once, and only if GitHub has it now, try the create once more.
        await client.workflowmaster.clock.sleep(HEAD_RECHECK_DELAY_MS, signal);
        if (
          want.headOwner === ref.owner &&
          (await branchExists(client, ref, want.branch, signal))
        ) {
          return await send(signal);
        }
      }
      throw error;
    }
  };

  const pull = await ensureOnce(
    client,
    { lookup: (attemptSignal) => lookupPullRequest(client, want, attemptSignal), create },
    {
      runId,
      repo: ref,
      phase,
      branch: want.branch,
      ...(signal === undefined ? {} : { signal }),
    },
  );
  if (pull.origin === "created") {
    await (faultPoints ?? client.workflowmaster.faultPoints).hit(
      FaultPoint.GithubPullRequestCreated,
      {
        runId,
        phase,
      },
    );
  }
  return pull;
}

export interface ObservePullRequestInput {
  runId: string;
  phase?: string;
  number: number;
  head: string;
  base: string;
  /** Default true; false for an `adopted` pull request, which has no marker. */
  requireMarker?: boolean;
  signal?: AbortSignal;
}

/**
 * Observes the pull request: it exists, is open, has the expected head and
 * base, and (unless adopted) carries the run's marker. For a `postcondition`.
 */
export async function observePullRequest(
  client: GithubClient,
  repo: RepoRef,
  input: ObservePullRequestInput,
): Promise<Result<void, string>> {
  const ref = parseRepoRef(repo);
  const { runId, phase, head, base, signal, number, requireMarker } = parseInput(
    findSchema.extend({ number: z.int().min(1), requireMarker: z.boolean().default(true) }),
    input,
    "observePullRequest",
  );
  const want = wanted(ref, head, base, markerFor({ runId, phase }));
  const where = `pull request #${number} on ${repoSlug(ref)}`;
  const pull = await callGithub(
    client,
    (attemptSignal) =>
      readOrMissing(client, async () => {
        const { data } = await client.rest.pulls.get({
          owner: ref.owner,
          repo: ref.repo,
          pull_number: number,
          request: { signal: attemptSignal },
        });
        return data;
      }),
    { runId, repo: ref, phase, ...(signal === undefined ? {} : { signal }) },
  );
  if (pull === undefined) return err(`${where} was not found`);
  if (pull.state !== "open") return err(`${where} is ${pull.state}, not open`);
  if (pull.head.ref !== want.branch) {
    return err(`${where} has head ${pull.head.ref}, not ${want.branch}`);
  }
  if (pull.base.ref !== base) return err(`${where} has base ${pull.base.ref}, not ${base}`);
  if (requireMarker && !hasMarker(pull.body, want.marker)) {
    return err(`${where} does not carry the marker of run ${runId}, phase ${phase}`);
  }
  return ok(undefined);
}

/** Pulls for the head (all states, newest first), bounded by `lookup.maxPages`. */
async function lookupPullRequest(
  client: GithubClient,
  want: Wanted,
  signal: AbortSignal,
): Promise<PullRequestRef | undefined> {
  const { perPage, maxPages } = client.workflowmaster.lookup;
  let adoptable: PullData | undefined;
  let pages = 0;
  for await (const response of client.paginate.iterator(client.rest.pulls.list, {
    owner: want.ref.owner,
    repo: want.ref.repo,
    head: want.headLabel,
    state: "all",
    per_page: perPage,
    request: { signal },
  })) {
    pages += 1;
    for (const pull of response.data) {
      // GitHub filters by head; checking again costs nothing and guards a lax server.
      if (pull.head.ref !== want.branch) continue;
      if (hasMarker(pull.body, want.marker)) return pullRef(pull, "found");
      if (adoptable === undefined && pull.state === "open" && pull.base.ref === want.base) {
        adoptable = pull;
      }
    }
    if (pages >= maxPages) break;
  }
  return adoptable === undefined ? undefined : pullRef(adoptable, "adopted");
}

async function branchExists(
  client: GithubClient,
  ref: RepoRef,
  branch: string,
  signal: AbortSignal,
): Promise<boolean> {
  const found = await readOrMissing(client, () =>
    client.rest.git.getRef({
      owner: ref.owner,
      repo: ref.repo,
      ref: `heads/${branch}`,
      request: { signal },
    }),
  );
  return found !== undefined;
}
