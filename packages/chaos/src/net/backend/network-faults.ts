import { z } from "zod";
import type { Clock } from "../../clock/clock.js";
import { clockOption, journalOption } from "../../fault-points/option-schemas.js";
import { systemClock } from "../../github/serve/system-clock.js";
import type { FaultJournal } from "../../journal/fault-journal.js";
import type { JsonObject } from "../../journal/json-value.js";
import { parseOptions } from "../../options/parse-options.js";
import type { Seed } from "../../seed/create-seed.js";
import { startToxiproxyServer } from "../server/toxiproxy-server.js";
import { createToxiproxyClient, type ToxiproxyClient } from "./toxiproxy-client.js";
import { CONTAINER_PROXY_PORTS, startToxiproxyContainer } from "./toxiproxy-container.js";
import type { ProxyConfig, ProxyInfo, ToxicConfig, ToxicInfo } from "./toxiproxy-types.js";

/** Where the Toxiproxy API lives. */
export const NetworkBackend = {
  /** This package's server, in-process (default). */
  Embedded: "embedded",
  /** A Toxiproxy already running at `url` / `TOXIPROXY_URL`. */
  External: "external",
  /** `ghcr.io/shopify/toxiproxy` through testcontainers, where a Docker engine answers. */
  Container: "container",
} as const;
export type NetworkBackend = (typeof NetworkBackend)[keyof typeof NetworkBackend];

export const DEFAULT_TOXIPROXY_IMAGE = "ghcr.io/shopify/toxiproxy:2.12.0";

export interface NetworkFaultsOptions {
  /** Default `embedded`. */
  backend?: NetworkBackend;
  /** Embedded: API address (default `127.0.0.1`). */
  host?: string;
  /** Embedded: API port (default 0: any free port). */
  port?: number;
  /** Embedded: root seed (or Seed) for toxicity rolls, jitter and slice sizes. */
  seed?: number | Seed;
  /** Toxic windows and named faults wait on this clock (default real time). */
  clock?: Clock;
  /** Injected effects are recorded here (layer `network`). */
  journal?: FaultJournal;
  /** Embedded: proxies (with toxics) to create at start. */
  config?: ProxyConfig[];
  /** External: the API URL (default `TOXIPROXY_URL`, else `http://127.0.0.1:8474`). */
  url?: string;
  /** Container: the image (default `ghcr.io/shopify/toxiproxy:2.12.0`). */
  image?: string;
  /** Container: host ports to reach from inside as `host.testcontainers.internal`. */
  hostPorts?: number[];
  /** Where `TOXIPROXY_URL` is read (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** A named fault in progress. */
export interface NamedFault {
  /** Settles when the fault has been removed (by its duration or by `heal()`). */
  readonly healed: Promise<void>;
  /** Removes the fault now (no-op once healed). */
  heal(): Promise<void>;
}

/**
 * One interface to inject network faults, whichever Toxiproxy serves it.
 * Every method is a Toxiproxy API call (names and bodies as Toxiproxy's),
 * plus the named faults built from them.
 */
export interface NetworkFaults {
  readonly backend: NetworkBackend;
  /** The Toxiproxy API root, for any other client (e.g. toxiproxy-node-client). */
  readonly apiUrl: string;
  /** Embedded: the root seed in use; otherwise undefined (Toxiproxy's own randomness). */
  readonly seed: number | undefined;
  /** Where a client connects to reach `proxy` (the mapped host port for a container). */
  address(proxy: Pick<ProxyInfo, "listen">): { host: string; port: number };
  createProxy(input: ProxyConfig): Promise<ProxyInfo>;
  getProxy(name: string): Promise<ProxyInfo>;
  listProxies(): Promise<ProxyInfo[]>;
  updateProxy(
    name: string,
    changes: { listen?: string; upstream?: string; enabled?: boolean },
  ): Promise<ProxyInfo>;
  /** `enabled: false` refuses new connections and closes open ones. */
  setEnabled(name: string, enabled: boolean): Promise<ProxyInfo>;
  deleteProxy(name: string): Promise<void>;
  populate(entries: ProxyConfig[]): Promise<ProxyInfo[]>;
  /** A toxic; attributes `start_after` / `remove_after` (ms) give it a time window on every backend. */
  addToxic(proxy: string, toxic: ToxicConfig): Promise<ToxicInfo>;
  updateToxic(
    proxy: string,
    name: string,
    changes: { attributes?: Record<string, number>; toxicity?: number },
  ): Promise<ToxicInfo>;
  removeToxic(proxy: string, name: string): Promise<void>;
  listToxics(proxy: string): Promise<ToxicInfo[]>;
  /** Re-enables every proxy and removes every toxic. */
  reset(): Promise<void>;
  /**
   * "Stall then heal": bandwidth rate 0 on `stream` (default downstream) for
   * `durationMs`, then removed — held bytes flow on and connections survive.
   */
  stallThenHeal(
    proxy: string,
    options: { durationMs: number; stream?: "upstream" | "downstream" },
  ): Promise<NamedFault>;
  /**
   * "Black hole": connections are accepted and read, and nothing is ever
   * answered (timeout 0 on both streams), until `durationMs` or `heal()`;
   * healing closes the connections it swallowed, new ones flow normally.
   */
  blackHole(proxy: string, options?: { durationMs?: number }): Promise<NamedFault>;
  /** Cancels pending windows and faults, and stops the embedded server or container. */
  close(): Promise<void>;
}

const optionsSchema = z.strictObject({
  backend: z
    .enum(["embedded", "external", "container"], {
      error: 'must be "embedded", "external" or "container"',
    })
    .optional(),
  host: z.string().min(1, "must be a host name or address").optional(),
  port: z.number().int().min(0, "must be 0..65535").max(65535, "must be 0..65535").optional(),
  seed: z
    .union([
      z.number().int().min(0, "must be a non-negative integer"),
      z.custom<Seed>((value) => typeof value === "object" && value !== null, {
        error: "must be a root seed number or a Seed from createSeed(root)",
      }),
    ])
    .optional(),
  clock: clockOption.optional(),
  journal: journalOption.optional(),
  config: z
    .array(
      z.custom<ProxyConfig>((value) => typeof value === "object" && value !== null, {
        error: "must be a proxy object, as /populate takes",
      }),
    )
    .optional(),
  url: z.url({ error: "must be an http(s) URL such as http://127.0.0.1:8474" }).optional(),
  image: z.string().min(1, "must be an image name").optional(),
  hostPorts: z.array(z.number().int().min(1).max(65535)).optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
});

interface Backend {
  readonly client: ToxiproxyClient;
  readonly seed: number | undefined;
  /** Whether the server itself runs `start_after` / `remove_after` (ours does). */
  readonly serverWindows: boolean;
  address(listen: string): { host: string; port: number };
  /** Fills in what this backend needs (a free exposed port), given the listen addresses in use. */
  prepareProxy?(input: ProxyConfig, usedListens: readonly string[]): ProxyConfig;
  stop(): Promise<void>;
}

/** Starts (or connects to) the chosen Toxiproxy and returns the fault interface over it. */
export async function createNetworkFaults(
  options: NetworkFaultsOptions = {},
): Promise<NetworkFaults> {
  const parsed = parseOptions(optionsSchema, options, "createNetworkFaults options");
  const backendName: NetworkBackend = parsed.backend ?? "embedded";
  const clock = parsed.clock ?? systemClock;
  const journal = parsed.journal;
  const backend = await openBackend(backendName, parsed, clock);
  return buildFaults(backendName, backend, clock, journal);
}

async function openBackend(
  name: NetworkBackend,
  options: z.output<typeof optionsSchema>,
  clock: Clock,
): Promise<Backend> {
  if (name === "embedded") {
    const server = await startToxiproxyServer({
      host: options.host ?? "127.0.0.1",
      port: options.port ?? 0,
      clock,
      ...(options.seed === undefined ? {} : { seed: options.seed as number | Seed }),
      ...(options.journal === undefined ? {} : { journal: options.journal }),
      ...(options.config === undefined ? {} : { config: options.config }),
    });
    return {
      client: createToxiproxyClient(server.url),
      seed: server.seed,
      serverWindows: true,
      address: loopbackAddress,
      stop: () => server.close(),
    };
  }
  if (name === "external") {
    const env = options.env ?? process.env;
    const url = options.url ?? env.TOXIPROXY_URL ?? "http://127.0.0.1:8474";
    const client = createToxiproxyClient(url);
    try {
      await client.version();
    } catch (error) {
      throw new Error(
        `Failed to reach the external Toxiproxy at ${url}: ${error instanceof Error ? error.message : String(error)}. Please start toxiproxy-server there, or set TOXIPROXY_URL to one that runs.`,
        { cause: error },
      );
    }
    return {
      client,
      seed: undefined,
      serverWindows: false,
      address: loopbackAddress,
      stop: async () => undefined,
    };
  }
  const container = await startToxiproxyContainer({
    image: options.image ?? DEFAULT_TOXIPROXY_IMAGE,
    hostPorts: options.hostPorts ?? [],
  });
  return {
    client: createToxiproxyClient(container.url),
    seed: undefined,
    serverWindows: false,
    address: (listen) => container.hostAddress(portOf(listen)),
    // Proxies must listen on a port the container exposes; host loopback is the host's, not the container's.
    prepareProxy(input, usedListens) {
      const taken = new Set(usedListens.map(portOf));
      const free = CONTAINER_PROXY_PORTS.find((port) => !taken.has(port));
      if (input.listen === undefined && free === undefined) {
        throw new Error(
          `No available ports left: the Toxiproxy container exposes ${CONTAINER_PROXY_PORTS.length} proxy ports (8666-8697).`,
        );
      }
      return {
        ...input,
        listen: input.listen ?? `0.0.0.0:${free}`,
        upstream: input.upstream.replace(
          /^(127\.0\.0\.1|localhost):/,
          "host.testcontainers.internal:",
        ),
      };
    },
    stop: () => container.stop(),
  };
}

function buildFaults(
  backendName: NetworkBackend,
  backend: Backend,
  clock: Clock,
  journal: FaultJournal | undefined,
): NetworkFaults {
  const { client } = backend;
  const closing = new AbortController();
  const pending = new Set<Promise<void>>();
  const failures: unknown[] = [];
  const record = (fault: string, target: string, outcome: string, detail: JsonObject) =>
    journal?.record({ layer: "network", fault, target, outcome, detail });

  // Runs `step` after `ms` on the clock unless closing first; a failure is reported by close().
  const later = (ms: number, step: () => Promise<void>): void => {
    const task = clock
      .sleep(ms, closing.signal)
      .then(
        () => step(),
        (reason: unknown) => {
          if (!closing.signal.aborted) throw reason;
        },
      )
      .catch((error: unknown) => {
        if (!failures.includes(error)) failures.push(error);
      });
    pending.add(task);
    void task.then(() => pending.delete(task));
  };

  const addToxic = async (proxy: string, toxic: ToxicConfig): Promise<ToxicInfo> => {
    const {
      start_after: startAfter = 0,
      remove_after: removeAfter = 0,
      ...attributes
    } = toxic.attributes ?? {};
    if (backend.serverWindows || (startAfter === 0 && removeAfter === 0)) {
      return client.addToxic(proxy, toxic);
    }
    // A real Toxiproxy ignores window attributes: run the window from here instead.
    const stream = toxic.stream ?? "downstream";
    const name = toxic.name ?? `${toxic.type}_${stream}`;
    const target = `${proxy}/${name}`;
    const open = async () => {
      await client.addToxic(proxy, { ...toxic, name, attributes });
      if (startAfter > 0) record(toxic.type, target, "window-opened", { startAfterMs: startAfter });
    };
    if (startAfter > 0) later(startAfter, open);
    else await open();
    if (removeAfter > 0) {
      later(removeAfter, async () => {
        await client.removeToxic(proxy, name);
        record(toxic.type, target, "window-closed", { removeAfterMs: removeAfter });
      });
    }
    return {
      attributes: { ...attributes, start_after: startAfter, remove_after: removeAfter },
      name,
      type: toxic.type,
      stream,
      toxicity: toxic.toxicity ?? 1,
    };
  };

  const namedFault = (
    fault: string,
    proxy: string,
    toxics: readonly string[],
    durationMs: number | undefined,
  ): NamedFault => {
    let healing: Promise<void> | undefined;
    const heal = () => {
      healing ??= (async () => {
        for (const name of toxics) await client.removeToxic(proxy, name);
        record(fault, proxy, "healed", { toxics: [...toxics] });
      })();
      return healing;
    };
    let settle: (outcome: Promise<void>) => void = () => undefined;
    const healed = new Promise<void>((resolve) => {
      settle = resolve;
    });
    // `healed` follows whichever healing runs; a failure is also reported by close().
    void healed.catch((error: unknown) => {
      if (!failures.includes(error)) failures.push(error);
    });
    const healOnce = () => {
      const outcome = heal();
      settle(outcome);
      return outcome;
    };
    if (durationMs !== undefined) later(durationMs, healOnce);
    return { healed, heal: healOnce };
  };

  return {
    backend: backendName,
    apiUrl: client.url,
    seed: backend.seed,
    address: (proxy) => backend.address(proxy.listen),
    createProxy: async (input) =>
      client.createProxy(
        backend.prepareProxy
          ? backend.prepareProxy(
              input,
              (await client.listProxies()).map((proxy) => proxy.listen),
            )
          : input,
      ),
    getProxy: (name) => client.getProxy(name),
    listProxies: () => client.listProxies(),
    updateProxy: (name, changes) => client.updateProxy(name, changes),
    setEnabled: (name, enabled) => client.updateProxy(name, { enabled }),
    deleteProxy: (name) => client.deleteProxy(name),
    populate: async (entries) => {
      if (!backend.prepareProxy) return client.populate(entries);
      const used = (await client.listProxies()).map((proxy) => proxy.listen);
      const prepared: ProxyConfig[] = [];
      for (const entry of entries) {
        const next = backend.prepareProxy(entry, used);
        prepared.push(next);
        if (next.listen !== undefined) used.push(next.listen);
      }
      return client.populate(prepared);
    },
    addToxic,
    updateToxic: (proxy, name, changes) => client.updateToxic(proxy, name, changes),
    removeToxic: (proxy, name) => client.removeToxic(proxy, name),
    listToxics: (proxy) => client.listToxics(proxy),
    reset: () => client.reset(),
    async stallThenHeal(proxy, { durationMs, stream = "downstream" }) {
      if (!(Number.isFinite(durationMs) && durationMs >= 0)) {
        throw new TypeError(
          `stallThenHeal needs durationMs >= 0 (how long to stall), got ${String(durationMs)}.`,
        );
      }
      const name = `stall_then_heal_${stream}`;
      await client.addToxic(proxy, { name, type: "bandwidth", stream, attributes: { rate: 0 } });
      record("stall-then-heal", proxy, "stalled", { durationMs, stream });
      return namedFault("stall-then-heal", proxy, [name], durationMs);
    },
    async blackHole(proxy, { durationMs } = {}) {
      if (durationMs !== undefined && !(Number.isFinite(durationMs) && durationMs >= 0)) {
        throw new TypeError(
          `blackHole needs durationMs >= 0 when given, got ${String(durationMs)}.`,
        );
      }
      const names = ["black_hole_upstream", "black_hole_downstream"];
      for (const [index, stream] of (["upstream", "downstream"] as const).entries()) {
        await client.addToxic(proxy, {
          name: names[index] as string,
          type: "timeout",
          stream,
          attributes: { timeout: 0 },
        });
      }
      record("black-hole", proxy, "applied", durationMs === undefined ? {} : { durationMs });
      return namedFault("black-hole", proxy, names, durationMs);
    },
    async close() {
      closing.abort(new Error("The network faults were closed."));
      await Promise.all([...pending]);
      await backend.stop();
      if (failures.length > 0) {
        const first = failures[0];
        throw new Error(
          `A scheduled network fault change failed: ${first instanceof Error ? first.message : String(first)}`,
          { cause: first },
        );
      }
    },
  };
}

function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(":") + 1));
}

// A proxy listening on every interface is reached on loopback.
function loopbackAddress(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(":");
  let host = listen.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  if (host === "" || host === "0.0.0.0" || host === "::") host = "127.0.0.1";
  return { host, port: Number(listen.slice(colon + 1)) };
}
