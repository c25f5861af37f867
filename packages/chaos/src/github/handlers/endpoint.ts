import type { Clock } from "../../clock/clock.js";
import type { JsonObject } from "../../journal/json-value.js";
import type { BodyContext } from "../bodies/body-context.js";
import type { GithubFault } from "../faults/github-fault.js";
import type { GithubModel } from "../model/github-model.js";
import type { RateLimitResource } from "../model/rate-limit-buckets.js";
import type { EndpointResult } from "./endpoint-result.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** What an endpoint's handler gets: the parsed request and the model, after auth and limits. */
export interface EndpointCall {
  readonly url: URL;
  /** The path after the base URL, still percent-encoded: `/repos/o/r/git/ref/heads%2Fx`. */
  readonly pathname: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The JSON body of a write (`{}` for reads). */
  readonly body: Readonly<Record<string, unknown>>;
  /** `OWNER/NAME` as the model spells it, for repository endpoints; `""` otherwise. */
  readonly repo: string;
  readonly model: GithubModel;
  /** The caller's rate-limit key (`model.who(token)`). */
  readonly who: string;
  readonly bodies: BodyContext;
  readonly clock: Pick<Clock, "now">;
  /** A fault selected for this request that the handler applies itself (eventual consistency). */
  readonly fault?: GithubFault;
  /** Records a fault the handler applied in the fault journal. */
  journalFault(fault: string, outcome: string, detail?: JsonObject): void;
  /** How long new issues stay out of search results. */
  readonly searchIndexLagMs: number;
}

/** One REST endpoint: its route, its rate-limit resource and permission, and its handler. */
export interface Endpoint {
  /** Octokit-style name: `issues.create`, `git.getRef`. */
  readonly name: string;
  readonly method: HttpMethod;
  /** msw path after the base URL: `/repos/:owner/:repo/issues`; a trailing `*` takes the rest. */
  readonly path: string;
  readonly resource: RateLimitResource;
  /** Whether the request needs a token (writes and `GET /user`); reads of public data do not. */
  readonly requiresAuth: boolean;
  /** Counted by the content-creation secondary limit (issues, comments, pulls). */
  readonly contentCreating: boolean;
  /** Counted against the primary limit (`GET /rate_limit` is not). */
  readonly counted: boolean;
  /** `x-accepted-github-permissions` when refused for permission (`issues=write`). */
  readonly permission: string;
  /** The `documentation_url` of this endpoint's errors. */
  readonly docs: string;
  handle(call: EndpointCall): EndpointResult | Promise<EndpointResult>;
}

type EndpointInput = Pick<Endpoint, "name" | "method" | "path" | "permission" | "docs" | "handle"> &
  Partial<Pick<Endpoint, "resource" | "requiresAuth" | "contentCreating" | "counted">>;

/** An endpoint with GitHub's defaults: `core`, counted, writes need a token. */
export function defineEndpoint(input: EndpointInput): Endpoint {
  return {
    resource: "core",
    requiresAuth: input.method !== "GET",
    contentCreating: false,
    counted: true,
    ...input,
  };
}
