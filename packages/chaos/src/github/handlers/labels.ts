import { labelBody } from "../bodies/label-body.js";
import { defineEndpoint } from "./endpoint.js";
import { validationFailed } from "./endpoint-result.js";
import { pageHeaders, paginate } from "./pagination.js";
import { checkFields } from "./request-fields.js";

const DOCS = {
  create: "https://docs.github.com/rest/issues/labels#create-a-label",
  list: "https://docs.github.com/rest/issues/labels#list-labels-for-a-repository",
};

/** Repository labels: create (422 already_exists on a duplicate name), list. */
export const labelsEndpoints = [
  defineEndpoint({
    name: "issues.createLabel",
    method: "POST",
    path: "/repos/:owner/:repo/labels",
    permission: "issues=write; pull_requests=write",
    docs: DOCS.create,
    handle: ({ body, model, repo, bodies }) => {
      const invalid = checkFields(body, DOCS.create, {
        name: { required: true, types: ["string"] },
        color: { types: ["string"] },
        description: { types: ["string", "null"] },
      });
      if (invalid) return invalid;
      const name = body.name as string;
      const color = body.color as string | undefined;
      if (name.trim() === "") {
        return validationFailed(DOCS.create, [
          { resource: "Label", code: "missing_field", field: "name" },
        ]);
      }
      if (color !== undefined && !/^#?[0-9a-fA-F]{6}$/.test(color)) {
        return validationFailed(DOCS.create, [
          { resource: "Label", code: "invalid", field: "color" },
        ]);
      }
      if (model.findLabel(repo, name)) {
        return validationFailed(DOCS.create, [
          { resource: "Label", code: "already_exists", field: "name" },
        ]);
      }
      const label = model.createLabel(repo, {
        name,
        ...(color === undefined ? {} : { color }),
        description: (body.description as string | null | undefined) ?? null,
      });
      return {
        status: 201,
        body: labelBody(bodies, repo, label),
        location: `${bodies.apiUrl}/repos/${repo}/labels/${encodeURIComponent(label.name)}`,
      };
    },
  }),
  defineEndpoint({
    name: "issues.listLabelsForRepo",
    method: "GET",
    path: "/repos/:owner/:repo/labels",
    permission: "issues=read",
    docs: DOCS.list,
    handle: ({ model, repo, url, bodies }) => {
      const page = paginate(model.labels(repo), url);
      return {
        status: 200,
        body: page.items.map((label) => labelBody(bodies, repo, label)),
        headers: pageHeaders(page),
      };
    },
  }),
];
