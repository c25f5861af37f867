import { connect, createServer, type Server, type Socket } from "node:net";
import type { Clock } from "../../clock/clock.js";
import type { FaultJournal } from "../../journal/fault-journal.js";
import type { JsonObject } from "../../journal/json-value.js";
import type { Seed } from "../../seed/create-seed.js";
import { createSeededRandom, type SeededRandom } from "../../seed/seeded-random.js";
import { ReadSlab } from "../stream/read-slab.js";
import {
  formatAddress,
  listenErrorMessage,
  parseListen,
  parseUpstream,
  sameAddress,
} from "./listen-address.js";
import { ProxyConnection } from "./proxy-connection.js";
import type { Serial } from "./serial.js";
import { ToxicCollection } from "./toxic-collection.js";
import { type ToxicJson, toxicJson } from "./toxic-wrapper.js";

/** What every proxy of one server shares. */
export interface ProxyEnvironment {
  readonly seed: Seed;
  readonly clock: Clock;
  readonly serial: Serial;
  readonly journal: FaultJournal | undefined;
  onWarning(message: string, error?: unknown): void;
}

/** The JSON Toxiproxy writes for a proxy, in its field order. */
export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

/** Raised by `start()` on a running proxy; `/reset` passes over it. */
export class ProxyAlreadyStarted extends Error {
  override readonly name = "ProxyAlreadyStarted";
}

const UINT32 = 0xffff_ffff;
/** The most one upstream read takes once the downstream link runs toxics (libuv's own size). */
const CHAINED_READ_BYTES = 64 * 1024;

/**
 * A TCP listener that dials `upstream` for every accepted client and joins
 * them with two links (upstream: client → server; downstream: server →
 * client) running the proxy's toxics. Disabled, it listens nowhere (new
 * connections are refused) and has closed every connection it had.
 */
export class TcpProxy {
  readonly name: string;
  listen: string;
  upstream: string;
  enabled = false;
  readonly toxics: ToxicCollection;
  #env: ProxyEnvironment;
  #server: Server | undefined;
  #connections = new Set<ProxyConnection>();
  #accepted = 0;
  #random: SeededRandom;

  constructor(env: ProxyEnvironment, name: string, listen: string, upstream: string) {
    this.#env = env;
    this.name = name;
    this.listen = listen;
    this.upstream = upstream;
    // One stream per proxy name, so its connections' draws do not depend on other proxies' traffic.
    this.#random = env.seed.stream(`network:${name}`);
    this.toxics = new ToxicCollection({
      clock: env.clock,
      serial: env.serial,
      onWarning: env.onWarning,
      record: (wrapper, outcome, detail) =>
        this.#record(wrapper.type, `${this.name}/${wrapper.name}`, outcome, {
          stream: wrapper.stream,
          ...detail,
        }),
    });
  }

  /** Listens on `listen` (port 0: any free port; `listen` then shows the bound address). */
  async start(): Promise<void> {
    if (this.enabled) throw new ProxyAlreadyStarted("Proxy already started");
    const address = parseListen(this.listen);
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) =>
      this.#accept(client),
    );
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) =>
        reject(new Error(listenErrorMessage(address, error))),
      );
      server.listen(address.port, address.host, () => resolve());
    });
    server.on("error", (error) => this.#env.onWarning(`Proxy ${this.name}: listener error`, error));
    this.#server = server;
    this.listen = formatAddress(server.address());
    this.enabled = true;
  }

  /**
   * Stops listening and closes every connection, client and upstream side.
   * `asFault`: journal it as the `down` fault (disabled through the API),
   * not when the proxy is deleted, moved or the server closes.
   */
  async stop(asFault = false): Promise<void> {
    if (!this.enabled) return;
    this.enabled = false;
    const server = this.#server;
    this.#server = undefined;
    const connections = [...this.#connections];
    const closed = new Promise<void>((resolve) => {
      server?.close((error) => {
        if (error) this.#env.onWarning(`Proxy ${this.name}: closing the listener`, error);
        resolve();
      });
    });
    for (const connection of connections) connection.destroy();
    await closed;
    if (asFault) {
      this.#record("down", this.name, "disabled", { connectionsClosed: connections.length });
    }
  }

  /**
   * Applies `listen`, `upstream` and `enabled` (Toxiproxy's `Update`): a new
   * address stops the proxy (dropping its connections) and moves it; then it
   * starts or stops to match `enabled`.
   */
  async update(input: { listen: string; upstream: string; enabled: boolean }): Promise<void> {
    if (!sameAddress(input.listen, this.listen) || !sameAddress(input.upstream, this.upstream)) {
      await this.stop();
      this.listen = input.listen;
      this.upstream = input.upstream;
    }
    if (input.enabled !== this.enabled) {
      if (input.enabled) await this.start();
      else await this.stop(true);
    }
  }

  toJSON(): ProxyJson {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics.list().map(toxicJson),
    };
  }

  #accept(client: Socket): void {
    this.#accepted += 1;
    const id = this.#accepted;
    // Drawn in accept order, so the nth connection gets the same rolls under the same seed.
    const randoms = {
      upstream: createSeededRandom(this.#random.int(0, UINT32)),
      downstream: createSeededRandom(this.#random.int(0, UINT32)),
    };
    client.on("error", (error) => this.#env.onWarning(`Proxy ${this.name}: client error`, error));
    // Go sets TCP_NODELAY on every connection; without it Nagle would merge what toxics split.
    client.setNoDelay(true);
    if (!this.enabled) {
      client.destroy();
      return;
    }
    const connection = new ProxyConnection(id, client, (done) => this.#connections.delete(done));
    this.#connections.add(connection);
    let target: { host: string; port: number };
    try {
      target = parseUpstream(this.upstream);
    } catch (error) {
      this.#env.onWarning(`Proxy ${this.name}: unable to open connection to upstream`, error);
      connection.destroy();
      return;
    }
    // The upstream side reads into large slabs (`onread`), handing each read to the downstream
    // link: fewer, larger reads than 'data' events give (an accepted socket cannot do this).
    const slab = new ReadSlab();
    let feedDownstream: (data: Buffer) => void = () => upstream.pause();
    const upstream = connect({
      host: target.host,
      port: target.port,
      allowHalfOpen: true,
      noDelay: true,
      onread: {
        buffer: slab.room,
        callback: (length, room) => {
          feedDownstream(slab.take(length, room as Buffer));
          // The link pauses the socket itself when its destination is full.
          return true;
        },
      },
    });
    connection.upstream = upstream;
    upstream.on("error", (error) =>
      this.#env.onWarning(`Proxy ${this.name}: upstream error`, error),
    );
    const dialFailed = () => connection.destroy();
    upstream.once("close", dialFailed);
    upstream.once("connect", () => {
      upstream.off("close", dialFailed);
      // The proxy was stopped, or the client left, while the upstream was being dialled.
      if (connection.closed || client.destroyed) {
        connection.destroy();
        return;
      }
      for (const direction of ["upstream", "downstream"] as const) {
        const link = this.toxics.startLink({
          direction,
          random: randoms[direction],
          record: (wrapper, outcome, detail) =>
            this.#record(wrapper.type, `${this.name}/${wrapper.name}`, outcome, {
              connection: id,
              stream: direction,
              ...detail,
            }),
          resetConnection: () => connection.resetConnection(),
          closeSocket: (socket, flushed) => connection.closeSocket(socket, flushed),
          onError: (error) => {
            this.#env.onWarning(`Proxy ${this.name}: a toxic failed`, error);
            connection.destroy();
          },
        });
        if (direction === "upstream") {
          link.start(client, upstream);
        } else {
          feedDownstream = (data) => {
            link.receive(data);
            // Once toxics hold chunks (latency keeps up to 1024), keep them at libuv's usual size.
            if (!link.direct) slab.limitReads(CHAINED_READ_BYTES);
          };
          link.start(upstream, client, { fed: true });
          if (!link.direct) slab.limitReads(CHAINED_READ_BYTES);
        }
      }
      // The connection is done when both sockets are closed.
      for (const socket of [client, upstream]) {
        if (socket.destroyed) connection.socketClosed();
        else socket.once("close", () => connection.socketClosed());
      }
    });
  }

  #record(fault: string, target: string, outcome: string, detail: JsonObject): void {
    this.#env.journal?.record({ layer: "network", fault, target, outcome, detail });
  }
}
