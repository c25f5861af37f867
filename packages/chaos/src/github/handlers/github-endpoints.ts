import type { Endpoint } from "./endpoint.js";
import { GITHUB_DOCS, notFound } from "./endpoint-result.js";
import { gitRefsEndpoints } from "./git-refs.js";
import { issueCommentsEndpoints } from "./issue-comments.js";
import { issuesEndpoints } from "./issues.js";
import { labelsEndpoints } from "./labels.js";
import { pullsEndpoints } from "./pulls.js";
import { rateLimitEndpoints } from "./rate-limit.js";
import { reposEndpoints } from "./repos.js";
import { searchEndpoints } from "./search.js";
import { usersEndpoints } from "./users.js";

/** Every endpoint the simulator serves, in match order. */
export const GITHUB_ENDPOINTS: readonly Endpoint[] = [
  ...reposEndpoints,
  ...issuesEndpoints,
  ...issueCommentsEndpoints,
  ...labelsEndpoints,
  ...searchEndpoints,
  ...gitRefsEndpoints,
  ...pullsEndpoints,
  ...rateLimitEndpoints,
  ...usersEndpoints,
];

/** Any other path under the base URL: GitHub's plain 404, still counted and with headers. */
export const UNKNOWN_ENDPOINT: Endpoint = {
  name: "unknown",
  method: "GET",
  path: "/*",
  resource: "core",
  requiresAuth: false,
  contentCreating: false,
  counted: true,
  permission: "metadata=read",
  docs: GITHUB_DOCS.rest,
  handle: () => notFound(GITHUB_DOCS.rest),
};
