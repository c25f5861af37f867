/** A toxic, as the Toxiproxy API writes it. */
export interface ToxicInfo {
  attributes: Record<string, number>;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

/** A proxy, as the Toxiproxy API writes it. */
export interface ProxyInfo {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicInfo[];
}

/**
 * A toxic to create: Toxiproxy's body. Defaults: `stream` downstream,
 * `toxicity` 1, `name` `<type>_<stream>`, attributes 0. Extension
 * attributes `start_after` / `remove_after` (ms after creation) give it a
 * time window.
 */
export interface ToxicConfig {
  name?: string;
  type: string;
  stream?: "upstream" | "downstream";
  toxicity?: number;
  attributes?: Record<string, number>;
}

/** A proxy to create: Toxiproxy's body, plus `toxics` installed before it listens (extension). */
export interface ProxyConfig {
  name: string;
  /** `host:port`; default `127.0.0.1:0` (any free port) on this server. */
  listen?: string;
  upstream: string;
  enabled?: boolean;
  toxics?: ToxicConfig[];
}
