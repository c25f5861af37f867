import {
  containerRuntimeAvailable,
  loadTestcontainers,
  NO_CONTAINER_RUNTIME_MESSAGE,
} from "./container-runtime.js";

/** Toxiproxy's API port and the proxy ports the container exposes (as @testcontainers/toxiproxy does). */
export const CONTAINER_API_PORT = 8474;
export const CONTAINER_PROXY_PORTS: readonly number[] = Array.from(
  { length: 32 },
  (_, index) => 8666 + index,
);

/** A started Toxiproxy container. */
export interface ToxiproxyContainer {
  readonly url: string;
  /** The host address a client dials for a proxy listening on `containerPort`. */
  hostAddress(containerPort: number): { host: string; port: number };
  stop(): Promise<void>;
}

/**
 * Starts `image` (default the official Toxiproxy 2.12.0) with testcontainers
 * 11, waiting on `GET /version`. `hostPorts` are made reachable from inside
 * the container as `host.testcontainers.internal:<port>`. Rejects with
 * NO_CONTAINER_RUNTIME_MESSAGE when no engine answers.
 */
export async function startToxiproxyContainer(options: {
  image: string;
  hostPorts: readonly number[];
}): Promise<ToxiproxyContainer> {
  if (!(await containerRuntimeAvailable())) throw new Error(NO_CONTAINER_RUNTIME_MESSAGE);
  const { GenericContainer, TestContainers, Wait } = await loadTestcontainers();
  if (options.hostPorts.length > 0) await TestContainers.exposeHostPorts(...options.hostPorts);
  const container = await new GenericContainer(options.image)
    .withExposedPorts(CONTAINER_API_PORT, ...CONTAINER_PROXY_PORTS)
    .withWaitStrategy(Wait.forHttp("/version", CONTAINER_API_PORT))
    .withStartupTimeout(30_000)
    .start();
  const host = container.getHost();
  return {
    url: `http://${host}:${container.getMappedPort(CONTAINER_API_PORT)}`,
    hostAddress: (containerPort) => ({ host, port: container.getMappedPort(containerPort) }),
    stop: async () => {
      await container.stop();
    },
  };
}
