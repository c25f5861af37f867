import type { AddressInfo } from "node:net";

/** A `host:port` string split as Go's `net.SplitHostPort` does. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses a listen address. An empty host means loopback here (Toxiproxy
 * would listen on every interface; this server stays on 127.0.0.1) and
 * `localhost` means 127.0.0.1, as Go resolves it for listening. Throws
 * Go's message for a malformed address.
 */
export function parseListen(address: string): HostPort {
  if (address === "") return { host: "127.0.0.1", port: 0 };
  const { host, port } = splitHostPort(address, "listen");
  return { host: host === "" || host === "localhost" ? "127.0.0.1" : host, port };
}

/** Parses an upstream address (host kept as given; DNS resolves it when dialling). */
export function parseUpstream(address: string): HostPort {
  const { host, port } = splitHostPort(address, "dial");
  return { host: host === "" ? "127.0.0.1" : host, port };
}

/** `127.0.0.1:8474`, `[::1]:8474`: what Go's `Addr().String()` prints. */
export function formatAddress(address: AddressInfo | string | null): string {
  if (address === null || typeof address === "string") return String(address);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `${host}:${address.port}`;
}

/** Whether two listen or upstream addresses name the same place (so an update needs no restart). */
export function sameAddress(a: string, b: string): boolean {
  const normal = (value: string) => value.replace(/^localhost:/, "127.0.0.1:");
  return normal(a) === normal(b);
}

/** Go's text for a failed listen (`listen tcp 127.0.0.1:3310: bind: address already in use`). */
export function listenErrorMessage(address: HostPort, error: NodeJS.ErrnoException): string {
  const where = `${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}`;
  const reason: Record<string, string> = {
    EADDRINUSE: "bind: address already in use",
    EACCES: "bind: permission denied",
    EADDRNOTAVAIL: "bind: cannot assign requested address",
    ENOTFOUND: `lookup ${address.host}: no such host`,
    EAI_AGAIN: `lookup ${address.host}: temporary failure in name resolution`,
  };
  return `listen tcp ${where}: ${reason[error.code ?? ""] ?? error.message}`;
}

function splitHostPort(address: string, op: "listen" | "dial"): HostPort {
  const fail = (why: string): never => {
    throw new Error(`${op} tcp: address ${address}: ${why}`);
  };
  let host: string;
  let portText: string;
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    if (close < 0) return fail("missing ']' in address");
    host = address.slice(1, close);
    if (address[close + 1] !== ":") return fail("missing port in address");
    portText = address.slice(close + 2);
  } else {
    const colon = address.lastIndexOf(":");
    if (colon < 0) return fail("missing port in address");
    host = address.slice(0, colon);
    if (host.includes(":")) return fail("too many colons in address");
    portText = address.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new Error(`${op} tcp: lookup tcp/${portText}: unknown port`);
  }
  return { host, port: Number(portText) };
}
