/** Bytes read from one side of a connection, stamped with when they were read. */
export interface StreamChunk {
  readonly data: Buffer;
  /** Monotonic milliseconds (`performance.now()`) when the bytes were read. */
  readonly timestamp: number;
}

/**
 * A FIFO of chunks between two stages of a link, like Toxiproxy's Go
 * channels but never blocking a push: `push` enqueues at once and returns a
 * promise that settles when the item fits the buffer (`capacity` items; 0 =
 * only when taken), so a stage can wait for backpressure and still be
 * interrupted without the item being lost. `take` never waits; `readable`
 * says when there may be something to take. After `close`, `take` returns
 * `null` (end of stream) once the queue is empty, as many times as asked.
 */
export class ChunkChannel {
  readonly capacity: number;
  #items: StreamChunk[] = [];
  #closed = false;
  #pushed = 0;
  #taken = 0;
  #accepts: { seq: number; resolve: () => void }[] = [];
  #readers: (() => void)[] = [];

  constructor(capacity: number) {
    this.capacity = Math.max(0, Math.floor(capacity));
  }

  get size(): number {
    return this.#items.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Enqueues; `undefined` when the item already fits the buffer, else a promise that settles when it does. */
  push(chunk: StreamChunk): Promise<void> | undefined {
    if (this.#closed) return undefined;
    const seq = this.#pushed;
    this.#pushed += 1;
    this.#items.push(chunk);
    this.#wakeReaders();
    if (seq < this.#taken + this.capacity) return undefined;
    return new Promise<void>((resolve) => this.#accepts.push({ seq, resolve }));
  }

  /** The next chunk; `null` at end of stream; `undefined` when empty and still open. */
  take(): StreamChunk | null | undefined {
    const chunk = this.#items.shift();
    if (chunk === undefined) return this.#closed ? null : undefined;
    this.#taken += 1;
    while (this.#accepts.length > 0) {
      const first = this.#accepts[0] as { seq: number; resolve: () => void };
      if (first.seq >= this.#taken + this.capacity) break;
      this.#accepts.shift();
      first.resolve();
    }
    return chunk;
  }

  /** Every queued chunk, oldest first, leaving the queue empty. */
  drain(): StreamChunk[] {
    const chunks: StreamChunk[] = [];
    for (let chunk = this.take(); chunk; chunk = this.take()) chunks.push(chunk);
    return chunks;
  }

  /** Settles when a chunk or the end of stream may be waiting. */
  readable(): Promise<void> {
    if (this.#items.length > 0 || this.#closed) return Promise.resolve();
    return new Promise<void>((resolve) => this.#readers.push(resolve));
  }

  /** Ends the stream after what is queued; pushes after this are ignored. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Nobody waits on a closed channel's backpressure.
    for (const accept of this.#accepts.splice(0)) accept.resolve();
    this.#wakeReaders();
  }

  #wakeReaders(): void {
    for (const wake of this.#readers.splice(0)) wake();
  }
}
