import { API_ERRORS, type ApiError, toApiError } from "./api-error.js";
import { decodeFirstValue, GoDecodeError, goMarshal } from "./go-json.js";
import { decodeProxyInput, type PopulateResult, type ProxyCollection } from "./proxy-collection.js";
import { ProxyAlreadyStarted } from "./tcp-proxy.js";
import { badBody, toxicJson } from "./toxic-wrapper.js";

/** Toxiproxy's version string, as `/version` reports it. */
export const TOXIPROXY_VERSION = "2.12.0";

/** An answer, with exactly the headers and bytes Toxiproxy sends. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Route {
  readonly methods: readonly string[];
  readonly pattern: RegExp;
  readonly handle: (request: RouteRequest) => Promise<ApiResponse>;
}

interface RouteRequest {
  readonly method: string;
  readonly params: readonly string[];
  /** The body decoded as Go's decoder does; throws `bad request body: …` when read. */
  body(): unknown;
}

const JSON_HEADERS = { "Content-Type": "application/json" };

/** 200 (or `status`) with `json.Marshal`'s bytes. */
export function jsonResponse(value: unknown, status = 200): ApiResponse {
  return { status, headers: { ...JSON_HEADERS }, body: goMarshal(value) };
}

/** Go's `http.Error`: the JSON error object as text/plain, newline-terminated. */
export function errorResponse(error: ApiError): ApiResponse {
  return {
    status: error.status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" },
    body: `${goMarshal({ error: error.message, status: error.status })}\n`,
  };
}

/** A plain-text `http.Error` (403 for browsers, 404 for unknown paths). */
export function textResponse(status: number, text: string): ApiResponse {
  return {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" },
    body: `${text}\n`,
  };
}

const noContent = (): ApiResponse => ({ status: 204, headers: {}, body: "" });

/**
 * The routes of Toxiproxy's api.go, in its registration order; `{proxy}`
 * and `{toxic}` match one path segment, as gorilla/mux does.
 */
export function createRoutes(proxies: ProxyCollection): Route[] {
  const segment = "([^/]+)";
  const route = (methods: string[], path: string, handle: Route["handle"]): Route => ({
    methods,
    pattern: new RegExp(`^${path.replaceAll("{}", segment)}$`),
    handle,
  });
  const param = (request: RouteRequest, index: number) => request.params[index] as string;
  return [
    route(["POST"], "/reset", async () => {
      for (const proxy of proxies.all()) {
        try {
          await proxy.start();
        } catch (error) {
          if (!(error instanceof ProxyAlreadyStarted)) throw error;
        }
        await proxy.toxics.reset();
      }
      return noContent();
    }),
    route(["GET"], "/proxies", async () => {
      const entries = proxies.all().map((proxy) => `${goMarshal(proxy.name)}:${goMarshal(proxy)}`);
      return { status: 200, headers: { ...JSON_HEADERS }, body: `{${entries.join(",")}}` };
    }),
    route(["POST"], "/proxies", async (request) =>
      jsonResponse(await proxies.create(request.body()), 201),
    ),
    // Populate answers errors as JSON too, with the proxies done so far (`null` for none, as Go writes a nil slice).
    route(["POST"], "/populate", async (request) => {
      let result: PopulateResult;
      try {
        result = await proxies.populate(request.body());
      } catch (error) {
        result = { proxies: [], error: toApiError(error) };
      }
      const listed = result.proxies.length === 0 ? null : result.proxies;
      if (result.error === undefined) return jsonResponse({ proxies: listed }, 201);
      return jsonResponse(
        { error: result.error.message, status: result.error.status, proxies: listed },
        result.error.status,
      );
    }),
    route(["GET"], "/proxies/{}", async (request) => jsonResponse(proxies.get(param(request, 0)))),
    route(["POST", "PATCH"], "/proxies/{}", async (request) => {
      const proxy = proxies.get(param(request, 0));
      const input = decodeProxyInput(request.body(), {
        listen: proxy.listen,
        upstream: proxy.upstream,
        enabled: proxy.enabled,
      });
      await proxy.update({
        listen: input.listen,
        upstream: input.upstream,
        enabled: input.enabled ?? proxy.enabled,
      });
      return jsonResponse(proxy);
    }),
    route(["DELETE"], "/proxies/{}", async (request) => {
      await proxies.remove(param(request, 0));
      return noContent();
    }),
    route(["GET"], "/proxies/{}/toxics", async (request) =>
      jsonResponse(proxies.get(param(request, 0)).toxics.list().map(toxicJson)),
    ),
    route(["POST"], "/proxies/{}/toxics", async (request) => {
      const proxy = proxies.get(param(request, 0));
      return jsonResponse(toxicJson(await proxy.toxics.addJson(request.body())));
    }),
    route(["GET"], "/proxies/{}/toxics/{}", async (request) => {
      const toxic = proxies.get(param(request, 0)).toxics.find(param(request, 1));
      if (toxic === undefined) throw API_ERRORS.toxicNotFound;
      return jsonResponse(toxicJson(toxic));
    }),
    route(["POST", "PATCH"], "/proxies/{}/toxics/{}", async (request) => {
      const proxy = proxies.get(param(request, 0));
      return jsonResponse(
        toxicJson(await proxy.toxics.updateJson(param(request, 1), request.body())),
      );
    }),
    route(["DELETE"], "/proxies/{}/toxics/{}", async (request) => {
      await proxies.get(param(request, 0)).toxics.remove(param(request, 1));
      return noContent();
    }),
    route(["GET"], "/version", async () => ({
      status: 200,
      headers: { "Content-Type": "application/json;charset=utf-8" },
      body: `{"version": "${TOXIPROXY_VERSION}"}\n`,
    })),
  ];
}

/**
 * Answers one request as Toxiproxy's router does: 404 `404 page not found`
 * for an unknown path, 405 (empty) for a known path with another method,
 * 403 `User agent not allowed` for a browser, then the handler; any error
 * it throws becomes the JSON error body with its status (500 when it has none).
 */
export async function routeRequest(
  routes: readonly Route[],
  request: { method: string; path: string; userAgent: string; body: string },
  run: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<ApiResponse> {
  let methodMismatch = false;
  for (const candidate of routes) {
    const match = candidate.pattern.exec(request.path);
    if (!match) continue;
    if (!candidate.methods.includes(request.method)) {
      methodMismatch = true;
      continue;
    }
    if (request.userAgent.startsWith("Mozilla/"))
      return textResponse(403, "User agent not allowed");
    const routeRequestValue: RouteRequest = {
      method: request.method,
      params: match.slice(1),
      body: () => {
        try {
          return decodeFirstValue(request.body);
        } catch (error) {
          if (error instanceof GoDecodeError) throw badBody(error.message);
          throw error;
        }
      },
    };
    try {
      return await run(() => candidate.handle(routeRequestValue));
    } catch (error) {
      return errorResponse(toApiError(error));
    }
  }
  if (methodMismatch) return { status: 405, headers: {}, body: "" };
  return textResponse(404, "404 page not found");
}
