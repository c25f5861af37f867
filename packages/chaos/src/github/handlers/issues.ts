import { issueBody } from "../bodies/issue-body.js";
import type { IssueRecord } from "../model/model-records.js";
import { defineEndpoint, type EndpointCall } from "./endpoint.js";
import { type EndpointResult, notFound, validationFailed } from "./endpoint-result.js";
import { pageHeaders, paginate } from "./pagination.js";
import { checkFields } from "./request-fields.js";

const DOCS = {
  create: "https://docs.github.com/rest/issues/issues#create-an-issue",
  get: "https://docs.github.com/rest/issues/issues#get-an-issue",
  list: "https://docs.github.com/rest/issues/issues#list-repository-issues",
  update: "https://docs.github.com/rest/issues/issues#update-an-issue",
};

/** Label names from `["bug"]` or `[{name: "bug"}]`; undefined when malformed. */
export function labelNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const names: string[] = [];
  for (const item of value) {
    if (typeof item === "string") names.push(item);
    else if (typeof item === "object" && item !== null && typeof item.name === "string") {
      names.push(item.name);
    } else return undefined;
  }
  return names;
}

/** The issue a path's `:issue_number` names, or undefined (a 404). */
export function issueOf(call: EndpointCall): IssueRecord | undefined {
  const raw = call.params.issue_number ?? "";
  if (!/^\d+$/.test(raw)) return undefined;
  return call.model.issue(call.repo, Number(raw));
}

const labelsInvalid = (docs: string): EndpointResult =>
  validationFailed(docs, [{ resource: "Issue", field: "labels", code: "invalid" }]);

/** Sort for lists: `sort` created|updated|comments, `direction` desc (default) or asc. */
function sortIssues(issues: IssueRecord[], query: URLSearchParams): IssueRecord[] {
  const sort = query.get("sort") ?? "created";
  const direction = query.get("direction") === "asc" ? 1 : -1;
  const key = (issue: IssueRecord) =>
    sort === "updated" ? issue.updatedAt : sort === "comments" ? issue.comments : issue.createdAt;
  return [...issues].sort((a, b) => (key(a) - key(b) || a.number - b.number) * direction);
}

/** Issues: create, get, list (state, labels, creator, since, pages), update. */
export const issuesEndpoints = [
  defineEndpoint({
    name: "issues.create",
    method: "POST",
    path: "/repos/:owner/:repo/issues",
    contentCreating: true,
    permission: "issues=write",
    docs: DOCS.create,
    handle: (call) => {
      const { body, model, repo, bodies } = call;
      const invalid = checkFields(body, DOCS.create, {
        title: { required: true, types: ["string", "integer"] },
        body: { types: ["string", "null"] },
        labels: { types: ["array"] },
        assignees: { types: ["array"] },
      });
      if (invalid) return invalid;
      const labels = body.labels === undefined ? [] : labelNames(body.labels);
      if (labels === undefined) return labelsInvalid(DOCS.create);
      const issue = model.createIssue(repo, {
        title: String(body.title),
        body: (body.body as string | null | undefined) ?? null,
        labels,
      });
      return {
        status: 201,
        body: issueBody(bodies, issue),
        location: `${bodies.apiUrl}/repos/${repo}/issues/${issue.number}`,
      };
    },
  }),
  defineEndpoint({
    name: "issues.get",
    method: "GET",
    path: "/repos/:owner/:repo/issues/:issue_number",
    permission: "issues=read",
    docs: DOCS.get,
    handle: (call) => {
      const issue = issueOf(call);
      if (!issue) return notFound(DOCS.get);
      return { status: 200, body: issueBody(call.bodies, issue) };
    },
  }),
  defineEndpoint({
    name: "issues.listForRepo",
    method: "GET",
    path: "/repos/:owner/:repo/issues",
    permission: "issues=read",
    docs: DOCS.list,
    handle: ({ model, repo, query, url, bodies }) => {
      const state = query.get("state") ?? "open";
      const wanted = (query.get("labels") ?? "")
        .split(",")
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== "");
      const creator = query.get("creator")?.toLowerCase();
      const sinceRaw = query.get("since");
      const since = sinceRaw === null ? undefined : Date.parse(sinceRaw);
      if (since !== undefined && Number.isNaN(since)) {
        return validationFailed(DOCS.list, [
          { resource: "Issue", field: "since", code: "invalid" },
        ]);
      }
      const matching = model.issues(repo).filter((issue) => {
        if (state !== "all" && issue.state !== state) return false;
        const names = issue.labels.map((name) => name.toLowerCase());
        if (!wanted.every((name) => names.includes(name))) return false;
        if (creator !== undefined && issue.user.toLowerCase() !== creator) return false;
        // GitHub's `since` compares the last update, not the creation.
        if (since !== undefined && issue.updatedAt < since) return false;
        return true;
      });
      const page = paginate(sortIssues(matching, query), url);
      return {
        status: 200,
        body: page.items.map((issue) => issueBody(bodies, issue)),
        headers: pageHeaders(page),
      };
    },
  }),
  defineEndpoint({
    name: "issues.update",
    method: "PATCH",
    path: "/repos/:owner/:repo/issues/:issue_number",
    permission: "issues=write",
    docs: DOCS.update,
    handle: (call) => {
      const { body, model, repo, bodies, clock } = call;
      const issue = issueOf(call);
      if (!issue) return notFound(DOCS.update);
      const invalid = checkFields(body, DOCS.update, {
        title: { types: ["string", "integer", "null"] },
        body: { types: ["string", "null"] },
        state: { types: ["string"] },
        state_reason: { types: ["string", "null"] },
        labels: { types: ["array"] },
      });
      if (invalid) return invalid;
      if (body.state !== undefined && body.state !== "open" && body.state !== "closed") {
        return validationFailed(DOCS.update, [
          { resource: "Issue", field: "state", code: "invalid" },
        ]);
      }
      const reasons = ["completed", "not_planned", "reopened", "duplicate", null];
      if (
        body.state_reason !== undefined &&
        !reasons.includes(body.state_reason as string | null)
      ) {
        return validationFailed(DOCS.update, [
          { resource: "Issue", field: "state_reason", code: "invalid" },
        ]);
      }
      const labels = body.labels === undefined ? undefined : labelNames(body.labels);
      if (body.labels !== undefined && labels === undefined) return labelsInvalid(DOCS.update);
      const now = clock.now();
      if (body.title !== undefined && body.title !== null) issue.title = String(body.title);
      if (body.body !== undefined) issue.body = body.body as string | null;
      if (labels !== undefined) {
        issue.labels = [];
        for (const name of labels) {
          const label = model.findLabel(repo, name) ?? model.createLabel(repo, { name });
          if (!issue.labels.includes(label.name)) issue.labels.push(label.name);
        }
      }
      if (body.state === "closed" && issue.state === "open") {
        issue.state = "closed";
        issue.closedAt = now;
        issue.stateReason = (body.state_reason as IssueRecord["stateReason"]) ?? "completed";
      } else if (body.state === "open" && issue.state === "closed") {
        issue.state = "open";
        issue.closedAt = null;
        issue.stateReason = "reopened";
      } else if (body.state_reason !== undefined) {
        issue.stateReason = body.state_reason as IssueRecord["stateReason"];
      }
      issue.updatedAt = now;
      return { status: 200, body: issueBody(bodies, issue) };
    },
  }),
];
