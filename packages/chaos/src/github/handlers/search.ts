import { issueBody } from "../bodies/issue-body.js";
import type { GithubModel } from "../model/github-model.js";
import type { IssueRecord } from "../model/model-records.js";
import { defineEndpoint } from "./endpoint.js";
import { errorResult, validationFailed } from "./endpoint-result.js";
import { pageHeaders, paginate } from "./pagination.js";

const DOCS = "https://docs.github.com/rest/search/search#search-issues-and-pull-requests";

/** The parts of a search query the simulator understands. */
export interface IssueQuery {
  /** Quoted phrases and bare words; each must appear (case-insensitive). */
  readonly terms: string[];
  readonly repos: string[];
  readonly kind?: "issue" | "pr";
  readonly state?: "open" | "closed";
  readonly in: ("title" | "body" | "comments")[];
  readonly labels: string[];
  readonly author?: string;
}

/** Splits `q` into phrases, words and the qualifiers `repo:`, `is:`, `in:`, `state:`, `label:`, `author:`. */
export function parseIssueQuery(q: string): IssueQuery {
  const terms: string[] = [];
  const repos: string[] = [];
  const labels: string[] = [];
  const fields = new Set<"title" | "body" | "comments">();
  let kind: IssueQuery["kind"];
  let state: IssueQuery["state"];
  let author: string | undefined;
  const tokens = q.match(/"[^"]*"|\S+/g) ?? [];
  for (const token of tokens) {
    if (token.startsWith('"')) {
      const phrase = token.slice(1, -1);
      if (phrase !== "") terms.push(phrase);
      continue;
    }
    const colon = token.indexOf(":");
    const key = colon > 0 ? token.slice(0, colon).toLowerCase() : "";
    const value = colon > 0 ? token.slice(colon + 1).replace(/^"|"$/g, "") : "";
    switch (key) {
      case "repo":
        repos.push(value.toLowerCase());
        break;
      case "is":
      case "type":
        if (value === "issue") kind = "issue";
        else if (value === "pr" || value === "pull-request") kind = "pr";
        else if (value === "open" || value === "closed") state = value;
        break;
      case "state":
        if (value === "open" || value === "closed") state = value;
        break;
      case "in":
        for (const field of value.split(",")) {
          if (field === "title" || field === "body" || field === "comments") fields.add(field);
        }
        break;
      case "label":
        labels.push(value.toLowerCase());
        break;
      case "author":
        author = value.toLowerCase();
        break;
      default:
        terms.push(token);
    }
  }
  return {
    terms,
    repos,
    ...(kind === undefined ? {} : { kind }),
    ...(state === undefined ? {} : { state }),
    in: fields.size === 0 ? ["title", "body", "comments"] : [...fields],
    labels,
    ...(author === undefined ? {} : { author }),
  };
}

function matches(model: GithubModel, issue: IssueRecord, query: IssueQuery): boolean {
  if (query.kind === "issue" && issue.pull) return false;
  if (query.kind === "pr" && !issue.pull) return false;
  if (query.state !== undefined && issue.state !== query.state) return false;
  if (query.author !== undefined && issue.user.toLowerCase() !== query.author) return false;
  const names = issue.labels.map((name) => name.toLowerCase());
  if (!query.labels.every((name) => names.includes(name))) return false;
  const haystack = [
    query.in.includes("title") ? issue.title : "",
    query.in.includes("body") ? (issue.body ?? "") : "",
    ...(query.in.includes("comments")
      ? model.comments(issue.repo, issue.number).map((comment) => comment.body)
      : []),
  ]
    .join("\n")
    .toLowerCase();
  return query.terms.every((term) => haystack.includes(term.toLowerCase()));
}

/**
 * `GET /search/issues`: enough of GitHub's issue search to find a marker
 * string. Its own rate-limit bucket (`search`, 30 a minute); new issues
 * join the index after `searchIndexLagMs`, as GitHub's index lags writes.
 */
export const searchEndpoints = [
  defineEndpoint({
    name: "search.issuesAndPullRequests",
    method: "GET",
    path: "/search/issues",
    resource: "search",
    permission: "issues=read",
    docs: DOCS,
    handle: ({ model, query: params, url, bodies, clock, searchIndexLagMs }) => {
      const q = params.get("q");
      if (q === null || q.trim() === "") {
        return validationFailed(DOCS, [{ resource: "Search", field: "q", code: "missing" }]);
      }
      const query = parseIssueQuery(q);
      // GitHub has required one of the two since 2025 (message text unverified).
      if (query.kind === undefined) {
        return errorResult(422, "Query must include 'is:issue' or 'is:pull-request'", DOCS);
      }
      const unknown = query.repos.filter((name) => model.repo(name) === undefined);
      if (unknown.length > 0) {
        return validationFailed(DOCS, [
          {
            message:
              "The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.",
            resource: "Search",
            field: "q",
            code: "invalid",
          },
        ]);
      }
      const repos =
        query.repos.length === 0
          ? model.repoNames()
          : model.repoNames().filter((name) => query.repos.includes(name.toLowerCase()));
      const indexedBefore = clock.now() - searchIndexLagMs;
      const found = repos
        .flatMap((name) => model.issues(name))
        .filter((issue) => issue.createdAt <= indexedBefore && matches(model, issue, query))
        .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
      const page = paginate(found, url);
      return {
        status: 200,
        body: {
          total_count: found.length,
          incomplete_results: false,
          search_type: "lexical",
          items: page.items.map((issue) => ({ ...issueBody(bodies, issue), score: 1 })),
        },
        headers: pageHeaders(page),
      };
    },
  }),
];
