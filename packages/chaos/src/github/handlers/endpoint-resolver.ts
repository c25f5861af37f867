import { isoTime } from "../../clock/clock.js";
import type { JsonObject } from "../../journal/json-value.js";
import type { BodyContext } from "../bodies/body-context.js";
import {
  badCredentialsResult,
  contentCreationLimitResult,
  permissionDeniedResult,
  primaryRateLimitResult,
  requiresAuthenticationResult,
  secondaryRateLimitResult,
  serverErrorResult,
} from "../faults/fault-responses.js";
import type { SelectedFault } from "../faults/github-fault-rules.js";
import type { RateLimitView } from "../model/rate-limit-buckets.js";
import type { Endpoint } from "./endpoint.js";
import { type EndpointResult, errorResult, notFound } from "./endpoint-result.js";
import type { SimulatorCore } from "./simulator-core.js";

/** How a served simulator loses a response: in-process and over HTTP differ. */
export interface ServeMode {
  /** The API root bodies link to; undefined: the origin of each request (HTTP mode). */
  readonly apiUrl: string | undefined;
  /** The path prefix of the base URL (`""`, or `/api/v3`). */
  readonly basePath: string;
  /** A response the transport turns into a dropped connection. */
  dropped(): Response;
}

export type Resolver = (info: { request: Request }) => Promise<Response>;

const API_VERSION = "2022-11-28";

/** The `authorization` header's token (`token X`, `Bearer X`), or undefined. */
function tokenOf(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  if (header === null) return undefined;
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  // A malformed header is a token GitHub will not accept.
  return match?.[1] ?? header;
}

function rateLimitHeaders(view: RateLimitView): Record<string, string> {
  return {
    "x-ratelimit-limit": String(view.limit),
    "x-ratelimit-remaining": String(view.remaining),
    "x-ratelimit-reset": String(view.reset),
    "x-ratelimit-used": String(view.used),
    "x-ratelimit-resource": view.resource,
  };
}

/**
 * The request pipeline every endpoint shares, in GitHub's order: injected
 * fault → authentication → content-creation limit → primary rate limit →
 * body parsing → repository lookup → handler; then GitHub's headers, the
 * request history and, for a ghost write, the lost response.
 */
export function createEndpointResolver(
  endpoint: Endpoint,
  core: SimulatorCore,
  mode: ServeMode,
): Resolver {
  const { model, clock } = core;
  return async ({ request }) => {
    const arrivedAt = isoTime(clock);
    const url = new URL(request.url);
    const pathname = url.pathname.slice(mode.basePath.length) || "/";
    const apiUrl = mode.apiUrl ?? `${url.origin}${mode.basePath}`;
    const bodies: BodyContext = { model, apiUrl, htmlUrl: core.htmlUrl };
    const requestId = core.nextRequestId();
    const token = tokenOf(request);
    const who = model.who(token);
    const method = request.method.toUpperCase();
    const target = `${endpoint.name} ${method} ${pathname}`;
    let view: RateLimitView | undefined;
    let faultKind: string | undefined;

    const journalFault = (fault: string, outcome: string, detail: JsonObject = {}) => {
      faultKind = fault;
      core.journal.record({
        layer: "github",
        fault,
        target,
        outcome,
        detail: { requestId, ...detail },
      });
    };
    const finish = (result: EndpointResult, delivered = true): Response => {
      core.record({
        at: arrivedAt,
        method,
        path: `${pathname}${url.search}`,
        endpoint: endpoint.name,
        status: result.status,
        delivered,
        requestId,
        ...(faultKind === undefined ? {} : { fault: faultKind }),
      });
      if (!delivered) return mode.dropped();
      const headers = new Headers({
        "x-github-api-version-selected": API_VERSION,
        "x-github-media-type": "github.v3; format=json",
        "x-github-request-id": requestId,
      });
      // GitHub's front end serves its 502 page without rate-limit headers.
      if (result.html === undefined && view !== undefined) {
        for (const [name, value] of Object.entries(rateLimitHeaders(view)))
          headers.set(name, value);
      }
      if (result.location !== undefined) headers.set("location", result.location);
      for (const [name, value] of Object.entries(result.headers ?? {})) headers.set(name, value);
      if (result.html !== undefined) {
        headers.set("content-type", "text/html; charset=utf-8");
        return new Response(result.html, { status: result.status, headers });
      }
      if (result.status === 204 || result.body === undefined) {
        return new Response(null, { status: result.status, headers });
      }
      headers.set("content-type", "application/json; charset=utf-8");
      return new Response(JSON.stringify(result.body), { status: result.status, headers });
    };
    const dropBeforeHandling = (): Response => {
      core.record({
        at: arrivedAt,
        method,
        path: `${pathname}${url.search}`,
        endpoint: endpoint.name,
        status: 0,
        delivered: false,
        requestId,
        ...(faultKind === undefined ? {} : { fault: faultKind }),
      });
      return mode.dropped();
    };

    // GitHub reads the whole request before working on it (and before a slow response).
    const text = method === "GET" || method === "HEAD" ? undefined : await request.text();

    const selected: SelectedFault | undefined = core.rules.select({
      endpoint: endpoint.name,
      method,
      path: pathname,
      now: clock.now(),
    });
    const fault = selected?.fault;
    const by = selected?.by ?? "";
    if (fault !== undefined) {
      switch (fault.kind) {
        case "latency":
          journalFault(fault.kind, "delayed", { by, ms: fault.ms });
          await clock.sleep(fault.ms);
          break;
        case "drop-connection":
          journalFault(fault.kind, "dropped", { by });
          return dropBeforeHandling();
        case "server-error": {
          const status = fault.status ?? 502;
          journalFault(fault.kind, "responded", { by, status });
          view = model.rateLimits.peek(who, endpoint.resource);
          return finish(serverErrorResult(status));
        }
        case "secondary-rate-limit": {
          const status = fault.status ?? 403;
          journalFault(fault.kind, "responded", {
            by,
            status,
            retryAfterSeconds: fault.retryAfterSeconds ?? null,
          });
          view = model.rateLimits.peek(who, endpoint.resource);
          return finish(
            secondaryRateLimitResult(status, requestId, clock.now(), fault.retryAfterSeconds),
          );
        }
        case "permission-denied": {
          const permissions = fault.permissions ?? endpoint.permission;
          journalFault(fault.kind, "responded", { by, permissions });
          const taken = model.rateLimits.take(who, endpoint.resource);
          view = taken.view;
          return finish(
            permissionDeniedResult(endpoint.docs, permissions, fault.via ?? "integration"),
          );
        }
        case "primary-rate-limit": {
          const status = fault.status ?? 403;
          const resetAt =
            fault.resetAfterMs === undefined ? undefined : clock.now() + fault.resetAfterMs;
          const exhausted = model.rateLimits.exhaust(who, endpoint.resource, {
            status,
            ...(resetAt === undefined ? {} : { resetAt }),
          });
          journalFault(fault.kind, "exhausted", {
            by,
            status,
            resource: endpoint.resource,
            reset: exhausted.reset,
          });
          break;
        }
        case "token-revoked":
          if (token !== undefined) model.revokeToken(token);
          journalFault(fault.kind, "revoked", { by });
          if (token === undefined) {
            view = model.rateLimits.take(who, "core").view;
            return finish(badCredentialsResult());
          }
          break;
        case "ghost-write":
        case "eventual-consistency":
          // Applied around and inside the handler, below.
          break;
      }
    }

    // Authentication.
    if (
      token !== undefined &&
      (model.isRevoked(token) || (core.token !== undefined && token !== core.token))
    ) {
      view = model.rateLimits.take("anonymous", "core").view;
      return finish(badCredentialsResult());
    }
    if (token === undefined && endpoint.requiresAuth) {
      view = model.rateLimits.take("anonymous", "core").view;
      return finish(requiresAuthenticationResult(endpoint.docs));
    }

    // The content-creation secondary limit, when enabled.
    if (core.contentCreation !== undefined && endpoint.contentCreating) {
      const now = clock.now();
      const creations = model.contentCreations(who);
      while (creations.length > 0 && (creations[0] as number) <= now - 3_600_000) creations.shift();
      const lastMinute = creations.filter((at) => at > now - 60_000).length;
      if (
        lastMinute >= core.contentCreation.perMinute ||
        creations.length >= core.contentCreation.perHour
      ) {
        journalFault("content-creation-limit", "responded", {
          lastMinute,
          lastHour: creations.length,
        });
        view = model.rateLimits.peek(who, endpoint.resource);
        return finish(contentCreationLimitResult());
      }
      creations.push(now);
    }

    // The primary rate limit.
    if (endpoint.counted) {
      const taken = model.rateLimits.take(who, endpoint.resource);
      view = taken.view;
      if (!taken.ok) {
        const caller =
          token === undefined ? { ip: "127.0.0.1" } : { userId: model.user(model.login).id };
        return finish(primaryRateLimitResult(taken.status, caller, requestId, clock.now()));
      }
    } else {
      view = model.rateLimits.peek(who, "core");
    }

    // The JSON body of a write.
    let body: Record<string, unknown> = {};
    if (text !== undefined) {
      if (text.trim() !== "") {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return finish(errorResult(400, "Problems parsing JSON", endpoint.docs));
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
          return finish(errorResult(400, "Body should be a JSON object", endpoint.docs));
        }
        body = parsed as Record<string, unknown>;
      }
    }

    // Repository endpoints: a missing (or private and unseen) repository is a 404.
    const params = routeParams(endpoint.path, pathname);
    let repo = "";
    if (params.owner !== undefined && params.repo !== undefined) {
      const record = model.repo(`${params.owner}/${params.repo}`);
      if (record === undefined || (record.private && token === undefined)) {
        return finish(notFound(endpoint.docs));
      }
      repo = `${record.owner}/${record.name}`;
    }

    const result = await endpoint.handle({
      url,
      pathname,
      params,
      query: url.searchParams,
      body,
      repo,
      model,
      who,
      bodies,
      clock,
      ...(fault === undefined ? {} : { fault }),
      journalFault: (name, outcome, detail) => journalFault(name, outcome, { by, ...detail }),
      searchIndexLagMs: core.searchIndexLagMs,
    });

    if (fault?.kind === "ghost-write") {
      const response = fault.response ?? "drop";
      journalFault(fault.kind, response === "drop" ? "applied, response dropped" : "applied, 502", {
        by,
        status: result.status,
      });
      if (response === "drop") return finish(result, false);
      core.record({
        at: arrivedAt,
        method,
        path: `${pathname}${url.search}`,
        endpoint: endpoint.name,
        status: result.status,
        delivered: false,
        requestId,
        fault: fault.kind,
      });
      // The 502 page stands in for the lost response; the history keeps the real status.
      return finishUnrecorded(serverErrorResult(502), requestId);
    }
    return finish(result);
  };
}

/** A 502 page for a ghost write, whose history entry was already recorded. */
function finishUnrecorded(result: EndpointResult, requestId: string): Response {
  const headers = new Headers({
    "content-type": "text/html; charset=utf-8",
    "x-github-request-id": requestId,
  });
  return new Response(result.html ?? "", { status: result.status, headers });
}

/** `:name` segments of the route, decoded; a trailing `*` is returned as `rest` (still encoded). */
export function routeParams(route: string, pathname: string): Record<string, string> {
  const routeParts = route.split("/");
  const pathParts = pathname.split("/");
  const params: Record<string, string> = {};
  for (const [index, part] of routeParts.entries()) {
    if (part === "*") {
      params.rest = pathParts.slice(index).join("/");
      break;
    }
    const value = pathParts[index];
    if (part.startsWith(":") && value !== undefined) {
      params[part.slice(1)] = safeDecode(value);
    }
  }
  return params;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // Not valid percent-encoding: GitHub matches the raw text, which finds nothing.
    return value;
  }
}
