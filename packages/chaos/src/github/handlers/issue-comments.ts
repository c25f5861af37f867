import { commentBody } from "../bodies/comment-body.js";
import { defineEndpoint } from "./endpoint.js";
import { notFound, validationFailed } from "./endpoint-result.js";
import { issueOf } from "./issues.js";
import { pageHeaders, paginate } from "./pagination.js";
import { checkFields } from "./request-fields.js";

const DOCS = {
  create: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
  list: "https://docs.github.com/rest/issues/comments#list-issue-comments",
};

/** Issue (and pull request) comments: create, list (since, pages), oldest first. */
export const issueCommentsEndpoints = [
  defineEndpoint({
    name: "issues.createComment",
    method: "POST",
    path: "/repos/:owner/:repo/issues/:issue_number/comments",
    contentCreating: true,
    permission: "issues=write",
    docs: DOCS.create,
    handle: (call) => {
      const { body, model, repo, bodies } = call;
      const issue = issueOf(call);
      if (!issue) return notFound(DOCS.create);
      const invalid = checkFields(body, DOCS.create, {
        body: { required: true, types: ["string"] },
      });
      if (invalid) return invalid;
      const comment = model.createComment(repo, issue.number, body.body as string);
      return {
        status: 201,
        body: commentBody(bodies, comment),
        location: `${bodies.apiUrl}/repos/${repo}/issues/comments/${comment.id}`,
      };
    },
  }),
  defineEndpoint({
    name: "issues.listComments",
    method: "GET",
    path: "/repos/:owner/:repo/issues/:issue_number/comments",
    permission: "issues=read",
    docs: DOCS.list,
    handle: (call) => {
      const { model, repo, query, url, bodies } = call;
      const issue = issueOf(call);
      if (!issue) return notFound(DOCS.list);
      const sinceRaw = query.get("since");
      const since = sinceRaw === null ? undefined : Date.parse(sinceRaw);
      if (since !== undefined && Number.isNaN(since)) {
        return validationFailed(DOCS.list, [
          { resource: "IssueComment", field: "since", code: "invalid" },
        ]);
      }
      const comments = model
        .comments(repo, issue.number)
        .filter((comment) => since === undefined || comment.updatedAt >= since);
      const page = paginate(comments, url);
      return {
        status: 200,
        body: page.items.map((comment) => commentBody(bodies, comment)),
        headers: pageHeaders(page),
      };
    },
  }),
];
