import { type HttpHandler, http } from "msw";
import { createEndpointResolver, type ServeMode } from "./endpoint-resolver.js";
import { GITHUB_ENDPOINTS, UNKNOWN_ENDPOINT } from "./github-endpoints.js";
import type { SimulatorCore } from "./simulator-core.js";

const METHODS = { GET: http.get, POST: http.post, PATCH: http.patch, DELETE: http.delete } as const;

/**
 * msw handlers for every endpoint, rooted at `root` (an absolute base URL
 * in-process, `""` for the HTTP middleware, which resolves paths against its
 * own origin), then a catch-all 404 for any other path under it.
 */
export function createGithubHandlers(
  core: SimulatorCore,
  mode: ServeMode,
  root: string,
): HttpHandler[] {
  return [
    ...GITHUB_ENDPOINTS.map((endpoint) =>
      METHODS[endpoint.method](
        `${root}${endpoint.path}`,
        createEndpointResolver(endpoint, core, mode),
      ),
    ),
    http.all(`${root}/*`, createEndpointResolver(UNKNOWN_ENDPOINT, core, mode)),
  ];
}
