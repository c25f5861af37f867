import { connect, createServer, type Server, type Socket } from "node:net";

/** A real TCP echo server on loopback; `connections` counts what it accepted. */
export interface EchoServer {
  readonly port: number;
  readonly address: string;
  connections(): number;
  close(): Promise<void>;
}

/** Echoes every byte back; when the client closes its side, closes too. */
export async function startEchoServer(): Promise<EchoServer> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** How a client connection ended, and everything it received. */
export interface ClientEnd {
  readonly data: Buffer;
  /** `ECONNRESET`, `ECONNREFUSED`, …, or undefined for a clean end. */
  readonly error: string | undefined;
  /** Whether the peer's FIN was seen (`end` event). */
  readonly sawEnd: boolean;
  /** performance.now() when the socket closed. */
  readonly closedAt: number;
}

/** A client socket that records what it receives and how it ends. */
export interface Client {
  readonly socket: Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolves once at least `bytes` bytes arrived (rejects if the socket closes first). */
  waitFor(bytes: number): Promise<Buffer>;
  /** How many `data` events arrived. */
  reads(): number;
  readonly ended: Promise<ClientEnd>;
}

export async function connectClient(port: number, host = "127.0.0.1"): Promise<Client> {
  // Not half-open: a FIN from the proxy ends the client too, as most clients behave.
  const socket = connect({ port, host, noDelay: true });
  const chunks: Buffer[] = [];
  let reads = 0;
  let error: string | undefined;
  let sawEnd = false;
  const waiters: { bytes: number; resolve: (data: Buffer) => void; reject: (e: Error) => void }[] =
    [];
  const received = () => Buffer.concat(chunks);
  socket.on("data", (chunk: Buffer) => {
    reads += 1;
    chunks.push(chunk);
    const total = received();
    for (const waiter of [...waiters]) {
      if (total.length >= waiter.bytes) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(total);
      }
    }
  });
  socket.on("end", () => {
    sawEnd = true;
  });
  socket.on("error", (failure: NodeJS.ErrnoException) => {
    error ??= failure.code ?? failure.message;
  });
  const ended = new Promise<ClientEnd>((resolve) => {
    socket.once("close", () => {
      for (const waiter of waiters.splice(0)) {
        waiter.reject(
          new Error(
            `The connection closed (${error ?? "clean"}) after ${received().length} of ${waiter.bytes} bytes.`,
          ),
        );
      }
      resolve({ data: received(), error, sawEnd, closedAt: performance.now() });
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  return {
    socket,
    received,
    reads: () => reads,
    ended,
    waitFor: (bytes) =>
      new Promise<Buffer>((resolve, reject) => {
        if (received().length >= bytes) resolve(received());
        else if (socket.destroyed) reject(new Error("The connection is already closed."));
        else waiters.push({ bytes, resolve, reject });
      }),
  };
}

/** The errno of a connection attempt that fails (`ECONNREFUSED`), or "connected". */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Port of a listen address `127.0.0.1:PORT`. */
export function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(":") + 1));
}

/** Bytes 0..250 repeating: easy to check for order and completeness. */
export function pattern(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index += 1) bytes[index] = index % 251;
  return bytes;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
