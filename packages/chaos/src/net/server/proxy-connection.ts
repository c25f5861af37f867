import type { Socket } from "node:net";

/**
 * One accepted client and its upstream socket. Closing is Toxiproxy's
 * `Close()`: the bytes already written go out, then the socket closes —
 * with FIN, or with RST (`resetAndDestroy`) once a reset_peer has fired.
 */
export class ProxyConnection {
  readonly id: number;
  readonly client: Socket;
  upstream: Socket | undefined;
  #reset = false;
  #closed = false;
  #socketsOpen = 2;
  #onDone: (connection: ProxyConnection) => void;

  constructor(id: number, client: Socket, onDone: (connection: ProxyConnection) => void) {
    this.id = id;
    this.client = client;
    this.#onDone = onDone;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Every later close of either socket sends RST. */
  resetConnection(): void {
    this.#reset = true;
  }

  /** Closes `socket` once `flushed` settles. */
  closeSocket(socket: Socket, flushed: Promise<void>): void {
    void flushed.then(() => this.#close(socket, true));
  }

  /** Closes both sockets now (the proxy was disabled, deleted or moved). */
  destroy(): void {
    this.#closed = true;
    this.#close(this.client, false);
    if (this.upstream) this.#close(this.upstream, false);
    this.#done();
  }

  /** One socket closed; the connection is done when both have. */
  socketClosed(): void {
    this.#socketsOpen -= 1;
    if (this.#socketsOpen === 0) {
      this.#closed = true;
      this.#done();
    }
  }

  #close(socket: Socket, gracefully: boolean): void {
    if (socket.destroyed) return;
    if (this.#reset && !socket.connecting) socket.resetAndDestroy();
    else if (gracefully) socket.destroySoon();
    else socket.destroy();
  }

  #done(): void {
    const onDone = this.#onDone;
    this.#onDone = () => undefined;
    onDone(this);
  }
}
