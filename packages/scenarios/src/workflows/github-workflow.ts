import type { GithubClient, Phase, RepoRef, Workflow } from "@workflowmaster/core";
import {
  callGithub,
  closeIssue,
  closePullRequest,
  comment,
  defineWorkflow,
  ensureIssue,
  ensureLabel,
  ensurePullRequest,
  err,
  findIssueByMarker,
  findPullRequest,
  hasMarker,
  type IssueRef,
  type LabelRef,
  markerFor,
  observeComment,
  observeIssue,
  observeLabel,
  observePullRequest,
  ok,
  type PullRequestRef,
  repoSlug,
  wfmError,
} from "@workflowmaster/core";

/** What the GitHub workflow works on: all fixed before the run starts. */
export interface GithubWorkflowInput {
  title: string;
  /** The run's label (shared: an existing one is adopted). */
  label: string;
  /** The run's branch, without `refs/heads/`. */
  branch: string;
  base: string;
  /** The commit the branch must point at (the run's pushed work). */
  sha: string;
}

export interface BranchRef {
  readonly ref: string;
  readonly sha: string;
  readonly origin: "created" | "found";
}

/** The key of the run's one comment. */
export const COMMENT_KEY = "summary";

/** A sha no repository holds: a create with it writes nothing (see `probeRef`). */
const NO_OBJECT = "0".repeat(40);

const statusOf = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
};
const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * The GitHub side of the development workflow, through core's adapter only:
 * label → issue → branch (a ref created over the API) → pull request →
 * comment. Every phase looks its effect up (`reconcile`), observes it
 * (`postcondition`) and, where GitHub allows, undoes it (`compensate`). The
 * label has no compensation: labels are shared, and the run adopts one that
 * exists. Comments cannot be deleted here; closing the issue retires them.
 */
export function githubWorkflow(client: GithubClient, repo: RepoRef): Workflow<GithubWorkflowInput> {
  type Ctx = Parameters<Phase<GithubWorkflowInput, unknown>["run"]>[0];
  const issueOf = (ctx: Ctx) => ctx.results.issue as IssueRef;

  const label: Phase<GithubWorkflowInput, LabelRef> = {
    name: "label",
    target: "github",
    run: (ctx) =>
      ensureLabel(client, repo, {
        runId: ctx.runId,
        name: ctx.input.label,
        color: "0e8a16",
        signal: ctx.signal,
      }),
    reconcile: async (ctx) => {
      const found = await findLabel(client, repo, ctx.runId, ctx.input.label, ctx.signal);
      return found === undefined ? { found: false } : { found: true, value: found };
    },
    postcondition: (ctx) =>
      observeLabel(client, repo, { runId: ctx.runId, name: ctx.input.label, signal: ctx.signal }),
  };

  const issue: Phase<GithubWorkflowInput, IssueRef> = {
    name: "issue",
    target: "github",
    run: (ctx) =>
      ensureIssue(client, repo, {
        runId: ctx.runId,
        title: ctx.input.title,
        body: "Opened by a chaos scenario.",
        labels: [ctx.input.label],
        signal: ctx.signal,
        faultPoints: ctx.ports.faultPoints,
      }),
    reconcile: async (ctx) => {
      const found = await findIssueByMarker(client, repo, { runId: ctx.runId, signal: ctx.signal });
      return found === undefined ? { found: false } : { found: true, value: found };
    },
    postcondition: (ctx, value) =>
      observeIssue(client, repo, { runId: ctx.runId, number: value.number, signal: ctx.signal }),
    compensate: async (ctx, value) => {
      await closeIssue(client, repo, { runId: ctx.runId, number: value.number });
    },
  };

  const branch: Phase<GithubWorkflowInput, BranchRef> = {
    name: "branch",
    target: "github",
    run: (ctx) => ensureBranch(client, repo, ctx.runId, ctx.input, ctx.signal),
    reconcile: async (ctx) => {
      const sha = await callGithub(
        client,
        (signal) => readRef(client, repo, ctx.input.branch, signal),
        { runId: ctx.runId, repo, phase: "branch", signal: ctx.signal },
      );
      return sha === undefined
        ? { found: false }
        : { found: true, value: adopted(ctx.runId, repo, ctx.input, sha) };
    },
    postcondition: async (ctx, value) => {
      const sha = await callGithub(
        client,
        (signal) => readRef(client, repo, ctx.input.branch, signal),
        { runId: ctx.runId, repo, phase: "branch", signal: ctx.signal },
      );
      if (sha !== undefined) {
        return sha === value.sha ? ok(undefined) : err(`${value.ref} points at ${sha}`);
      }
      // Reads of a just-created ref may lag (replication); ask the primary
      // store instead, the way `git ls-remote` would.
      return (await probeRef(client, repo, ctx.runId, value.ref, ctx.signal))
        ? ok(undefined)
        : err(`${value.ref} does not exist`);
    },
    compensate: async (ctx, value) => {
      await deleteRef(client, repo, ctx.runId, value.ref);
    },
  };

  const pullRequest: Phase<GithubWorkflowInput, PullRequestRef> = {
    name: "pull-request",
    target: "github",
    run: (ctx) =>
      ensurePullRequest(client, repo, {
        runId: ctx.runId,
        head: ctx.input.branch,
        base: ctx.input.base,
        title: ctx.input.title,
        body: `Closes #${issueOf(ctx).number}`,
        signal: ctx.signal,
        faultPoints: ctx.ports.faultPoints,
      }),
    reconcile: async (ctx) => {
      const found = await findPullRequest(client, repo, {
        runId: ctx.runId,
        head: ctx.input.branch,
        base: ctx.input.base,
        signal: ctx.signal,
      });
      return found === undefined ? { found: false } : { found: true, value: found };
    },
    postcondition: (ctx, value) =>
      observePullRequest(client, repo, {
        runId: ctx.runId,
        number: value.number,
        head: ctx.input.branch,
        base: ctx.input.base,
        requireMarker: value.origin !== "adopted",
        signal: ctx.signal,
      }),
    compensate: async (ctx, value) => {
      // An adopted pull request is someone else's: not the run's to close.
      if (value.origin === "adopted") return;
      await closePullRequest(client, repo, { runId: ctx.runId, number: value.number });
    },
  };

  const summary: Phase<GithubWorkflowInput, Awaited<ReturnType<typeof comment>>> = {
    name: "comment",
    target: "github",
    run: (ctx) =>
      comment(client, repo, {
        runId: ctx.runId,
        issueNumber: issueOf(ctx).number,
        key: COMMENT_KEY,
        body: `Pull request opened for #${issueOf(ctx).number}.`,
        signal: ctx.signal,
      }),
    reconcile: async (ctx) => {
      const issueNumber = issueOf(ctx).number;
      const marker = markerFor({ runId: ctx.runId, phase: "comment", key: COMMENT_KEY });
      const found = await callGithub(
        client,
        async (signal) => {
          for await (const page of client.paginate.iterator(client.rest.issues.listComments, {
            owner: repo.owner,
            repo: repo.repo,
            issue_number: issueNumber,
            per_page: 100,
            request: { signal },
          })) {
            const mine = page.data.find((item) => hasMarker(item.body, marker));
            if (mine !== undefined) return mine;
          }
          return undefined;
        },
        { runId: ctx.runId, repo, phase: "comment", signal: ctx.signal },
      );
      return found === undefined
        ? { found: false }
        : {
            found: true,
            value: {
              id: found.id,
              url: found.html_url,
              nodeId: found.node_id,
              issueNumber,
              origin: "found" as const,
            },
          };
    },
    postcondition: (ctx, value) =>
      observeComment(client, repo, {
        runId: ctx.runId,
        key: COMMENT_KEY,
        issueNumber: value.issueNumber,
        commentId: value.id,
        signal: ctx.signal,
      }),
  };

  return defineWorkflow<GithubWorkflowInput>({
    name: "github",
    phases: [label, issue, branch, pullRequest, summary],
  });
}

function adopted(runId: string, repo: RepoRef, input: GithubWorkflowInput, sha: string): BranchRef {
  if (sha !== input.sha) {
    throw wfmError("WFM-GITHUB-REF-EXISTS", {
      message: `Branch ${input.branch} already exists at ${sha}, not at the run's commit ${input.sha}.`,
      context: {
        runId,
        repo: repoSlug(repo),
        branch: input.branch,
        // The ref is on GitHub; the guidance's command reads it from the clone's remote.
        cwd: ".",
        detail: `refs/heads/${input.branch} at ${sha}`,
      },
    });
  }
  return { ref: `refs/heads/${input.branch}`, sha, origin: "found" };
}

/** The branch's sha, or `undefined` when GitHub (visibly) has no such ref. */
async function readRef(
  client: GithubClient,
  repo: RepoRef,
  branch: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    const { data } = await client.rest.git.getRef({
      owner: repo.owner,
      repo: repo.repo,
      ref: `heads/${branch}`,
      request: { signal },
    });
    return data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * The branch at the run's commit: looked up first, created only if absent;
 * GitHub's 422 "Reference already exists" (a create whose answer was lost,
 * or a ref not yet visible to reads) is adopted when the ref is the run's.
 */
function ensureBranch(
  client: GithubClient,
  repo: RepoRef,
  runId: string,
  input: GithubWorkflowInput,
  signal: AbortSignal,
): Promise<BranchRef> {
  const ref = `refs/heads/${input.branch}`;
  return callGithub(
    client,
    async (attemptSignal) => {
      const existing = await readRef(client, repo, input.branch, attemptSignal);
      if (existing !== undefined) return adopted(runId, repo, input, existing);
      try {
        await client.rest.git.createRef({
          owner: repo.owner,
          repo: repo.repo,
          ref,
          sha: input.sha,
          request: { signal: attemptSignal },
        });
        return { ref, sha: input.sha, origin: "created" };
      } catch (error) {
        if (statusOf(error) !== 422 || !/Reference already exists/.test(messageOf(error))) {
          throw error;
        }
        const sha = await readRef(client, repo, input.branch, attemptSignal);
        // Exists but not yet readable: a later attempt compares the sha.
        if (sha === undefined) throw error;
        return adopted(runId, repo, input, sha);
      }
    },
    { runId, repo, phase: "branch", branch: input.branch, signal },
  );
}

/**
 * Whether GitHub holds the ref, asked of the store a create checks against
 * (reads may lag behind it): a create at a sha that no repository has is
 * refused either way and writes nothing — "Reference already exists" when
 * the ref is there, "Object does not exist" when it is not.
 */
function probeRef(
  client: GithubClient,
  repo: RepoRef,
  runId: string,
  ref: string,
  signal: AbortSignal,
): Promise<boolean> {
  return callGithub(
    client,
    async (attemptSignal) => {
      try {
        await client.rest.git.createRef({
          owner: repo.owner,
          repo: repo.repo,
          ref,
          sha: NO_OBJECT,
          request: { signal: attemptSignal },
        });
      } catch (error) {
        if (statusOf(error) === 422 && /Reference already exists/.test(messageOf(error))) {
          return true;
        }
        if (statusOf(error) === 422 && /Object does not exist/.test(messageOf(error))) {
          return false;
        }
        throw error;
      }
      throw new TypeError(`GitHub created ${ref} at the null sha: the probe must never succeed.`);
    },
    { runId, repo, phase: "branch", signal },
  );
}

/** Deletes the ref if it is there (a compensation: safe to repeat). */
function deleteRef(client: GithubClient, repo: RepoRef, runId: string, ref: string): Promise<void> {
  return callGithub(
    client,
    async (signal) => {
      try {
        await client.rest.git.deleteRef({
          owner: repo.owner,
          repo: repo.repo,
          ref: ref.replace(/^refs\//, ""),
          request: { signal },
        });
      } catch (error) {
        if (statusOf(error) === 422 && /Reference does not exist/.test(messageOf(error))) return;
        throw error;
      }
    },
    { runId, repo, phase: "branch" },
  );
}

/** The label named `name` (compared as GitHub does), or `undefined`. */
function findLabel(
  client: GithubClient,
  repo: RepoRef,
  runId: string,
  name: string,
  signal: AbortSignal,
): Promise<LabelRef | undefined> {
  return callGithub(
    client,
    async (attemptSignal) => {
      for await (const page of client.paginate.iterator(client.rest.issues.listLabelsForRepo, {
        owner: repo.owner,
        repo: repo.repo,
        per_page: 100,
        request: { signal: attemptSignal },
      })) {
        const found = page.data.find((item) => item.name.toLowerCase() === name.toLowerCase());
        if (found !== undefined) {
          return {
            name: found.name,
            color: found.color,
            nodeId: found.node_id,
            url: found.url,
            origin: "found" as const,
          };
        }
      }
      return undefined;
    },
    { runId, repo, phase: "label", signal },
  );
}
