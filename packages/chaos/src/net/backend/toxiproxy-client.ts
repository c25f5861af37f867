import type { ProxyConfig, ProxyInfo, ToxicConfig, ToxicInfo } from "./toxiproxy-types.js";

const BRAND = Symbol.for("workflowmaster.toxiproxy-api-error");

/** The API refused a request: `status` and Toxiproxy's own `apiMessage` (`proxy already exists`). */
export class ToxiproxyApiError extends Error {
  readonly status: number;
  readonly apiMessage: string;
  readonly [BRAND] = true;

  constructor(method: string, path: string, status: number, apiMessage: string) {
    super(`Toxiproxy refused ${method} ${path}: HTTP ${status}: ${apiMessage}.`);
    this.name = "ToxiproxyApiError";
    this.status = status;
    this.apiMessage = apiMessage;
  }
}

export function isToxiproxyApiError(value: unknown): value is ToxiproxyApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

/** A small typed client for any Toxiproxy API (ours, an external one, a container's). */
export interface ToxiproxyClient {
  readonly url: string;
  version(): Promise<string>;
  listProxies(): Promise<ProxyInfo[]>;
  createProxy(input: ProxyConfig): Promise<ProxyInfo>;
  populate(entries: ProxyConfig[]): Promise<ProxyInfo[]>;
  getProxy(name: string): Promise<ProxyInfo>;
  updateProxy(
    name: string,
    changes: { listen?: string; upstream?: string; enabled?: boolean },
  ): Promise<ProxyInfo>;
  deleteProxy(name: string): Promise<void>;
  listToxics(proxy: string): Promise<ToxicInfo[]>;
  addToxic(proxy: string, toxic: ToxicConfig): Promise<ToxicInfo>;
  updateToxic(
    proxy: string,
    name: string,
    changes: { attributes?: Record<string, number>; toxicity?: number },
  ): Promise<ToxicInfo>;
  removeToxic(proxy: string, name: string): Promise<void>;
  reset(): Promise<void>;
}

export function createToxiproxyClient(
  url: string,
  fetchImpl: typeof fetch = fetch,
): ToxiproxyClient {
  const base = url.replace(/\/+$/, "");
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetchImpl(`${base}${path}`, {
      method,
      headers: { "User-Agent": "workflowmaster-chaos", "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new ToxiproxyApiError(method, path, response.status, apiMessage(text));
    }
    return (text === "" ? undefined : JSON.parse(text)) as T;
  };
  const proxyPath = (name: string) => `/proxies/${encodeURIComponent(name)}`;
  const toxicPath = (proxy: string, name: string) =>
    `${proxyPath(proxy)}/toxics/${encodeURIComponent(name)}`;
  return {
    url: base,
    version: async () => (await call<{ version: string }>("GET", "/version")).version,
    listProxies: async () =>
      Object.values(await call<Record<string, ProxyInfo>>("GET", "/proxies")),
    createProxy: (input) => call("POST", "/proxies", input),
    populate: async (entries) =>
      (await call<{ proxies: ProxyInfo[] | null }>("POST", "/populate", entries)).proxies ?? [],
    getProxy: (name) => call("GET", proxyPath(name)),
    updateProxy: (name, changes) => call("PATCH", proxyPath(name), changes),
    deleteProxy: (name) => call("DELETE", proxyPath(name)),
    listToxics: (proxy) => call("GET", `${proxyPath(proxy)}/toxics`),
    addToxic: (proxy, toxic) => call("POST", `${proxyPath(proxy)}/toxics`, toxic),
    updateToxic: (proxy, name, changes) => call("PATCH", toxicPath(proxy, name), changes),
    removeToxic: (proxy, name) => call("DELETE", toxicPath(proxy, name)),
    reset: () => call("POST", "/reset"),
  };
}

// Toxiproxy's errors are `{"error":…,"status":…}`; anything else (a 404 page, an empty 405) is shown as sent.
function apiMessage(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return trimmed === "" ? "(empty body)" : trimmed;
  try {
    const parsed = JSON.parse(trimmed) as { error?: unknown };
    return typeof parsed.error === "string" ? parsed.error : trimmed;
  } catch (error) {
    return `${trimmed} (not JSON: ${error instanceof Error ? error.message : String(error)})`;
  }
}
