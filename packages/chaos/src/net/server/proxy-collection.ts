import { API_ERRORS, ApiError, toApiError } from "./api-error.js";
import { GoDecodeError, goField, goValue, jsonTypeName } from "./go-json.js";
import { parseListen, parseUpstream } from "./listen-address.js";
import { type ProxyEnvironment, TcpProxy } from "./tcp-proxy.js";
import { asObject, badBody, parseCreateToxic, type ToxicWrapper } from "./toxic-wrapper.js";

/** A proxy as a create or populate body gives it. */
export interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  /** Absent: the default (true on create and populate). */
  enabled: boolean | undefined;
  /** Extension: toxics to install before the proxy listens; absent = leave toxics alone. */
  toxics: unknown[] | undefined;
}

/** What `/populate` did: the proxies it created or kept, and the first error if it stopped. */
export interface PopulateResult {
  proxies: TcpProxy[];
  error: ApiError | undefined;
}

const POPULATE_GO_TYPE = '[]struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }';

/** Reads a proxy body's fields as Go decodes them onto `defaults`. */
export function decodeProxyInput(
  body: unknown,
  defaults: { listen: string; upstream: string; enabled: boolean | undefined },
  goType = "toxiproxy.Proxy",
): ProxyInput {
  const object = asObject(body, goType);
  const read = (key: string, kind: "string" | "bool") => {
    try {
      return goValue(goField(object, key), kind, `Proxy.${key}`);
    } catch (error) {
      if (error instanceof GoDecodeError) throw badBody(error.message);
      throw error;
    }
  };
  const toxics = goField(object, "toxics");
  if (toxics !== undefined && toxics !== null && !Array.isArray(toxics)) {
    throw badBody(`toxics must be an array of toxics, got ${jsonTypeName(toxics)}`);
  }
  return {
    name: (read("name", "string") as string | undefined) ?? "",
    listen: (read("listen", "string") as string | undefined) ?? defaults.listen,
    upstream: (read("upstream", "string") as string | undefined) ?? defaults.upstream,
    enabled: (read("enabled", "bool") as boolean | undefined) ?? defaults.enabled,
    toxics: Array.isArray(toxics) ? toxics : undefined,
  };
}

/** Parses a list of toxic bodies for one proxy, refusing duplicate names; `where` ends each message. */
export function parseToxicList(bodies: readonly unknown[], where = ""): ToxicWrapper[] {
  const parsed: ToxicWrapper[] = [];
  bodies.forEach((body, index) => {
    try {
      parsed.push(parseCreateToxic(body, (name) => parsed.some((toxic) => toxic.name === name)));
    } catch (error) {
      if (error instanceof ApiError) {
        throw new ApiError(`${error.message}${where} toxic ${index + 1}`, error.status);
      }
      throw error;
    }
  });
  return parsed;
}

/** The server's proxies by name (Toxiproxy's `ProxyCollection`). Callers hold the server lock. */
export class ProxyCollection {
  #env: ProxyEnvironment;
  #proxies = new Map<string, TcpProxy>();

  constructor(env: ProxyEnvironment) {
    this.#env = env;
  }

  /** Every proxy, by name in byte order (as Go writes a map). */
  all(): TcpProxy[] {
    return [...this.#proxies.values()].sort((a, b) =>
      Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)),
    );
  }

  get(name: string): TcpProxy {
    const proxy = this.#proxies.get(name);
    if (proxy === undefined) throw API_ERRORS.proxyNotFound;
    return proxy;
  }

  /** POST /proxies: 409 when the name is taken; a failed listen leaves nothing behind. */
  async create(body: unknown): Promise<TcpProxy> {
    const input = decodeProxyInput(body, { listen: "", upstream: "", enabled: true });
    if (input.name === "") throw ApiError.join(API_ERRORS.missingField, "name");
    if (input.upstream === "") throw ApiError.join(API_ERRORS.missingField, "upstream");
    const toxics = input.toxics === undefined ? [] : parseToxicList(input.toxics);
    if (this.#proxies.has(input.name)) throw API_ERRORS.proxyAlreadyExists;
    const proxy = await this.#build(input, toxics);
    this.#proxies.set(proxy.name, proxy);
    return proxy;
  }

  /**
   * POST /populate (and `--config`): validates every entry — names,
   * upstreams, address syntax, toxics — before changing anything; then
   * creates or replaces each in order. A proxy with the same listen and
   * upstream is kept as it is (with its toxics, unless the entry lists
   * toxics, which then replace them). Stops at the first failure to listen,
   * reporting the proxies done so far.
   */
  async populate(body: unknown): Promise<PopulateResult> {
    if (!Array.isArray(body)) {
      throw badBody(
        `json: cannot unmarshal ${jsonTypeName(body)} into Go value of type ${POPULATE_GO_TYPE}`,
      );
    }
    const entries = body.map((entry, index) => {
      const where = ` at proxy ${index + 1}`;
      const input = decodeProxyInput(entry, { listen: "", upstream: "", enabled: true }, "struct");
      if (input.name === "") throw ApiError.join(API_ERRORS.missingField, `name${where}`);
      if (input.upstream === "") throw ApiError.join(API_ERRORS.missingField, `upstream${where}`);
      if (input.enabled !== false) {
        try {
          parseListen(input.listen);
          parseUpstream(input.upstream);
        } catch (error) {
          throw badBody(`${error instanceof Error ? error.message : String(error)}${where}`);
        }
      }
      const toxics = input.toxics === undefined ? undefined : parseToxicList(input.toxics, where);
      return { input, toxics };
    });
    const proxies: TcpProxy[] = [];
    for (const { input, toxics } of entries) {
      try {
        proxies.push(await this.#addOrReplace(input, toxics));
      } catch (error) {
        return { proxies, error: toApiError(error) };
      }
    }
    return { proxies, error: undefined };
  }

  /** DELETE /proxies/{p}: stops it (closing its connections) and forgets it. */
  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.#proxies.delete(name);
    proxy.toxics.dispose();
    await proxy.stop();
  }

  /** Stops every proxy (the server is closing). */
  async closeAll(): Promise<void> {
    for (const proxy of this.#proxies.values()) {
      proxy.toxics.dispose();
      await proxy.stop();
    }
  }

  async #addOrReplace(input: ProxyInput, toxics: ToxicWrapper[] | undefined): Promise<TcpProxy> {
    const existing = this.#proxies.get(input.name);
    if (existing && existing.listen === input.listen && existing.upstream === input.upstream) {
      if (toxics !== undefined) {
        await existing.toxics.reset();
        for (const toxic of toxics) await existing.toxics.add(toxic);
      }
      return existing;
    }
    if (existing) {
      existing.toxics.dispose();
      await existing.stop();
    }
    const proxy = await this.#build(input, toxics ?? []);
    this.#proxies.set(proxy.name, proxy);
    return proxy;
  }

  // Toxics go in before the listener opens, so no connection escapes them.
  async #build(input: ProxyInput, toxics: ToxicWrapper[]): Promise<TcpProxy> {
    const proxy = new TcpProxy(this.#env, input.name, input.listen, input.upstream);
    for (const toxic of toxics) await proxy.toxics.add(toxic);
    if (input.enabled !== false) {
      try {
        await proxy.start();
      } catch (error) {
        proxy.toxics.dispose();
        throw error;
      }
    }
    return proxy;
  }
}
