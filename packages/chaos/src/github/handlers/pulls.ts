import { pullBody, pullSimpleBody } from "../bodies/pull-body.js";
import type { GithubModel } from "../model/github-model.js";
import type { IssueRecord, PullRecord } from "../model/model-records.js";
import { defineEndpoint, type EndpointCall } from "./endpoint.js";
import { type EndpointResult, notFound, validationFailed } from "./endpoint-result.js";
import { pageHeaders, paginate } from "./pagination.js";
import { checkFields } from "./request-fields.js";

const DOCS = {
  create: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
  get: "https://docs.github.com/rest/pulls/pulls#get-a-pull-request",
  list: "https://docs.github.com/rest/pulls/pulls#list-pull-requests",
  update: "https://docs.github.com/rest/pulls/pulls#update-a-pull-request",
};

/** The issue half of a pull (title, body, state, labels live there). */
function issueOfPull(model: GithubModel, pull: PullRecord): IssueRecord {
  const issue = model.issue(pull.repo, pull.number);
  if (!issue) throw new TypeError(`Pull #${pull.number} of ${pull.repo} has no issue record.`);
  return issue;
}

/** An open pull follows its branches, as on GitHub: refresh the shas and the commit count. */
async function refresh(model: GithubModel, pull: PullRecord): Promise<void> {
  if (pull.merged || issueOfPull(model, pull).state !== "open") return;
  const git = model.git(pull.repo);
  const head = await git.getRef(`refs/heads/${pull.headRef}`);
  const base = await git.getRef(`refs/heads/${pull.baseRef}`);
  if (head !== undefined) pull.headSha = head;
  if (base !== undefined) pull.baseSha = base;
  pull.commits = await git.countCommits(pull.baseSha, pull.headSha);
}

/** `head` as `owner:branch` or `branch`; the owner defaults to the repository's. */
function parseHead(head: string, repoOwner: string): { owner: string; ref: string } {
  const colon = head.indexOf(":");
  return colon < 0
    ? { owner: repoOwner, ref: head }
    : { owner: head.slice(0, colon), ref: head.slice(colon + 1) };
}

const alreadyExists = (docs: string, owner: string, ref: string): EndpointResult =>
  validationFailed(docs, [
    {
      resource: "PullRequest",
      code: "custom",
      message: `A pull request already exists for ${owner}:${ref}.`,
    },
  ]);

function pullOf(call: EndpointCall): PullRecord | undefined {
  const raw = call.params.pull_number ?? "";
  if (!/^\d+$/.test(raw)) return undefined;
  return call.model.pull(call.repo, Number(raw));
}

function openDuplicate(
  model: GithubModel,
  repo: string,
  self: PullRecord | undefined,
  owner: string,
  ref: string,
  base: string,
) {
  return model
    .pulls(repo)
    .find(
      (pull) =>
        pull !== self &&
        pull.headOwner.toLowerCase() === owner.toLowerCase() &&
        pull.headRef === ref &&
        pull.baseRef === base &&
        issueOfPull(model, pull).state === "open",
    );
}

/** Pull requests: create (GitHub's 422 variants), get, list (head, base, state), update. */
export const pullsEndpoints = [
  defineEndpoint({
    name: "pulls.create",
    method: "POST",
    path: "/repos/:owner/:repo/pulls",
    contentCreating: true,
    permission: "pull_requests=write",
    docs: DOCS.create,
    handle: async ({ body, model, repo, bodies }): Promise<EndpointResult> => {
      const invalid = checkFields(body, DOCS.create, {
        head: { required: true, types: ["string"] },
        base: { required: true, types: ["string"] },
        title: { types: ["string"] },
        body: { types: ["string", "null"] },
        draft: { types: ["boolean"] },
        maintainer_can_modify: { types: ["boolean"] },
      });
      if (invalid) return invalid;
      if (body.title === undefined || (body.title as string).trim() === "") {
        return validationFailed(DOCS.create, [
          { resource: "PullRequest", code: "missing_field", field: "title" },
        ]);
      }
      const record = model.repo(repo);
      if (!record) throw new TypeError(`The resolver let through a missing repository ${repo}.`);
      const git = model.git(repo);
      const baseRef = body.base as string;
      const head = parseHead(body.head as string, record.owner);
      const baseSha = await git.getRef(`refs/heads/${baseRef}`);
      const headVisible = model.isRefVisible(repo, `refs/heads/${head.ref}`);
      // Forks are not simulated: a head under another owner does not resolve.
      const headSha =
        head.owner.toLowerCase() === record.owner.toLowerCase() && headVisible
          ? await git.getRef(`refs/heads/${head.ref}`)
          : undefined;
      const errors = [
        ...(baseSha === undefined
          ? [{ resource: "PullRequest", field: "base", code: "invalid" } as const]
          : []),
        ...(headSha === undefined
          ? [{ resource: "PullRequest", field: "head", code: "invalid" } as const]
          : []),
      ];
      if (errors.length > 0 || baseSha === undefined || headSha === undefined) {
        return validationFailed(DOCS.create, errors);
      }
      if (openDuplicate(model, repo, undefined, head.owner, head.ref, baseRef)) {
        return alreadyExists(DOCS.create, record.owner, head.ref);
      }
      const commits = await git.countCommits(baseSha, headSha);
      if (commits === 0) {
        return validationFailed(DOCS.create, [
          {
            resource: "PullRequest",
            code: "custom",
            message: `No commits between ${baseRef} and ${body.head as string}`,
          },
        ]);
      }
      const { issue, pull } = model.createPull(repo, {
        title: body.title as string,
        body: (body.body as string | null | undefined) ?? null,
        headOwner: record.owner,
        headRef: head.ref,
        headSha,
        baseRef,
        baseSha,
        draft: body.draft === true,
        maintainerCanModify: body.maintainer_can_modify !== false,
        commits,
      });
      return {
        status: 201,
        body: pullBody(bodies, pull, issue),
        location: `${bodies.apiUrl}/repos/${repo}/pulls/${pull.number}`,
      };
    },
  }),
  defineEndpoint({
    name: "pulls.get",
    method: "GET",
    path: "/repos/:owner/:repo/pulls/:pull_number",
    permission: "pull_requests=read",
    docs: DOCS.get,
    handle: async (call) => {
      const pull = pullOf(call);
      if (!pull) return notFound(DOCS.get);
      await refresh(call.model, pull);
      return { status: 200, body: pullBody(call.bodies, pull, issueOfPull(call.model, pull)) };
    },
  }),
  defineEndpoint({
    name: "pulls.list",
    method: "GET",
    path: "/repos/:owner/:repo/pulls",
    permission: "pull_requests=read",
    docs: DOCS.list,
    handle: async ({ model, repo, query, url, bodies }) => {
      const state = query.get("state") ?? "open";
      if (!["open", "closed", "all"].includes(state)) {
        return validationFailed(DOCS.list, [
          { resource: "PullRequest", field: "state", code: "invalid" },
        ]);
      }
      const head = query.get("head");
      // GitHub ignores a `head` without `owner:` and lists every pull (a known trap).
      const headFilter = head?.includes(":") ? parseHead(head, "") : undefined;
      const base = query.get("base");
      const pulls = model.pulls(repo).filter((pull) => {
        const issue = issueOfPull(model, pull);
        if (state !== "all" && issue.state !== state) return false;
        if (
          headFilter !== undefined &&
          !(
            pull.headOwner.toLowerCase() === headFilter.owner.toLowerCase() &&
            pull.headRef === headFilter.ref
          )
        ) {
          return false;
        }
        if (base !== null && pull.baseRef !== base) return false;
        return true;
      });
      const direction = query.get("direction") === "asc" ? 1 : -1;
      const sort = query.get("sort") ?? "created";
      const key = (pull: PullRecord) => {
        const issue = issueOfPull(model, pull);
        return sort === "updated" ? issue.updatedAt : issue.createdAt;
      };
      pulls.sort((a, b) => (key(a) - key(b) || a.number - b.number) * direction);
      const page = paginate(pulls, url);
      for (const pull of page.items) await refresh(model, pull);
      return {
        status: 200,
        body: page.items.map((pull) => pullSimpleBody(bodies, pull, issueOfPull(model, pull))),
        headers: pageHeaders(page),
      };
    },
  }),
  defineEndpoint({
    name: "pulls.update",
    method: "PATCH",
    path: "/repos/:owner/:repo/pulls/:pull_number",
    permission: "pull_requests=write",
    docs: DOCS.update,
    handle: async (call): Promise<EndpointResult> => {
      const { body, model, repo, bodies, clock } = call;
      const pull = pullOf(call);
      if (!pull) return notFound(DOCS.update);
      const invalid = checkFields(body, DOCS.update, {
        title: { types: ["string"] },
        body: { types: ["string", "null"] },
        state: { types: ["string"] },
        base: { types: ["string"] },
        maintainer_can_modify: { types: ["boolean"] },
      });
      if (invalid) return invalid;
      if (body.state !== undefined && body.state !== "open" && body.state !== "closed") {
        return validationFailed(DOCS.update, [
          { resource: "PullRequest", field: "state", code: "invalid" },
        ]);
      }
      const issue = issueOfPull(model, pull);
      const git = model.git(repo);
      const base = (body.base as string | undefined) ?? pull.baseRef;
      const baseSha = await git.getRef(`refs/heads/${base}`);
      if (baseSha === undefined) {
        return validationFailed(DOCS.update, [
          { resource: "PullRequest", field: "base", code: "invalid" },
        ]);
      }
      const reopening = body.state === "open" && issue.state === "closed";
      if (reopening && openDuplicate(model, repo, pull, pull.headOwner, pull.headRef, base)) {
        return alreadyExists(DOCS.update, pull.headOwner, pull.headRef);
      }
      const now = clock.now();
      if (body.title !== undefined) issue.title = body.title as string;
      if (body.body !== undefined) issue.body = body.body as string | null;
      if (body.maintainer_can_modify !== undefined) {
        pull.maintainerCanModify = body.maintainer_can_modify as boolean;
      }
      pull.baseRef = base;
      pull.baseSha = baseSha;
      if (body.state === "closed" && issue.state === "open") {
        issue.state = "closed";
        issue.closedAt = now;
      } else if (reopening) {
        issue.state = "open";
        issue.closedAt = null;
      }
      issue.updatedAt = now;
      await refresh(model, pull);
      return { status: 200, body: pullBody(bodies, pull, issue) };
    },
  }),
];
