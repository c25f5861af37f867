import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { JsonObject } from "../../journal/json-value.js";
import type { SeededRandom } from "../../seed/seeded-random.js";
import { ChunkChannel } from "../stream/chunk-channel.js";
import { type StubProgram, ToxicStub } from "../stream/toxic-stub.js";
import { noop } from "../toxics/noop.js";
import { passThrough } from "../toxics/toxic.js";
import type { StreamName, ToxicWrapper } from "./toxic-wrapper.js";

/** The hidden first stage of every chain: lets a toxic added first pause the stream. */
export const HIDDEN_NOOP: ToxicWrapper = Object.freeze({
  name: "",
  type: "noop",
  stream: "",
  direction: "downstream" as const,
  toxicity: 0,
  attributes: {},
  toxic: noop,
  window: undefined,
});

/** What a link needs from its connection. */
export interface LinkContext {
  readonly direction: StreamName;
  /** This connection-direction's seeded stream: toxicity rolls, jitter, slice sizes. */
  readonly random: SeededRandom;
  record(wrapper: ToxicWrapper, outcome: string, detail?: JsonObject): void;
  resetConnection(): void;
  /** Closes `socket` once `flushed` settles (the bytes already written are out). */
  closeSocket(socket: Socket, flushed: Promise<void>): void;
  onError(error: unknown): void;
  onFinished(link: ToxicLink): void;
}

/** How a link gets its bytes: from the source's `data` events, or handed to `receive` by the caller. */
export interface LinkStartOptions {
  /** The caller reads the source itself (a socket with `onread`) and hands each read to `receive`. */
  readonly fed?: boolean;
}

/**
 * One direction of one connection (Toxiproxy's `ToxicLink`): source socket →
 * hidden noop → toxics in insertion order → destination socket, each stage a
 * `ToxicStub` joined by channels. Adding, updating or removing a toxic
 * interrupts the stages concerned, moves what they hold on, rewires and
 * restarts them, which re-rolls their toxicity. When the chain ends the
 * stream (end of input, or a toxic closing), the destination is closed.
 *
 * While the chain holds only the hidden noop, the link runs direct: each read
 * is written to the destination at once, with the destination's backpressure
 * pausing the source, and no stage runs (the noop would only pass chunks on,
 * at several promise hops each). The first toxic to reach the link starts
 * the chain behind the bytes already written, so it applies to the rest of
 * the stream, as in Toxiproxy; the link then stays on the chain.
 */
export class ToxicLink {
  readonly direction: StreamName;
  #context: LinkContext;
  #stubs: ToxicStub[] = [];
  #wrappers: ToxicWrapper[];
  #input: ChunkChannel;
  #output: ChunkChannel;
  #finished = false;
  /** No toxic has reached this link yet: reads go straight to the destination. */
  #direct = false;
  #source: Socket | undefined;
  #dest: Socket | undefined;
  /** Direct writes not yet flushed, and who waits for them all. */
  #unflushed = 0;
  #onFlushed: (() => void) | undefined;
  #awaitingDrain = false;

  constructor(chain: readonly ToxicWrapper[], context: LinkContext) {
    this.direction = context.direction;
    this.#context = context;
    this.#wrappers = [...chain];
    this.#input = new ChunkChannel(1);
    let last = this.#input;
    for (let index = 0; index < chain.length; index += 1) {
      const following = chain[index + 1];
      const next = new ChunkChannel(following ? following.toxic.bufferSize : 0);
      this.#stubs.push(new ToxicStub(last, next));
      last = next;
    }
    this.#output = last;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Whether reads still go straight to the destination (no toxic has reached this link). */
  get direct(): boolean {
    return this.#direct && !this.#finished;
  }

  /** Starts reading `source`, running the chain (or writing direct) to `dest`. */
  start(source: Socket, dest: Socket, options: LinkStartOptions = {}): void {
    this.#source = source;
    this.#dest = dest;
    if (!options.fed) source.on("data", (data: Buffer) => this.receive(data));
    const endInput = () => {
      if (this.#direct) this.#finishDirect(false);
      else this.#input.close();
    };
    source.once("end", endInput);
    source.once("close", endInput);
    if (this.#wrappers.length > 1 || this.#wrappers[0] !== HIDDEN_NOOP) {
      this.#startChain();
    } else {
      this.#direct = true;
      dest.once("close", () => {
        if (this.#direct) this.#finishDirect(true);
      });
    }
    if (source.destroyed) endInput();
    if (dest.destroyed && this.#direct) this.#finishDirect(true);
    source.resume();
  }

  /** One read from the source, in order (called for `data` events, or by the caller when fed). */
  receive(data: Buffer): void {
    const source = this.#source as Socket;
    if (this.#direct) {
      this.#writeDirect(source, data);
      return;
    }
    const room = this.#input.push({ data, timestamp: performance.now() });
    if (room === undefined) return;
    source.pause();
    void room.then(() => {
      if (!source.destroyed) source.resume();
    });
  }

  /** Appends a toxic to the end of the chain. */
  async add(wrapper: ToxicWrapper): Promise<void> {
    if (this.#direct && !this.#finished) {
      this.#direct = false;
      this.#startChain();
    }
    const index = this.#stubs.length;
    const previous = this.#stubs[index - 1] as ToxicStub;
    const input = new ChunkChannel(wrapper.toxic.bufferSize);
    const stub = new ToxicStub(input, previous.output);
    if (wrapper.toxic.newState) stub.state = wrapper.toxic.newState();
    this.#stubs.push(stub);
    this.#wrappers.push(wrapper);
    if (await previous.interrupt()) {
      previous.output = input;
      this.#run(index);
      this.#run(index - 1);
    } else {
      // The stream already ended: keep the chain parallel, running nothing.
      stub.output = input;
      stub.close();
    }
  }

  /** Restarts the toxic at `index` with its new attributes and a fresh toxicity roll. */
  async update(index: number, wrapper: ToxicWrapper): Promise<void> {
    this.#wrappers[index] = wrapper;
    const stub = this.#stubs[index] as ToxicStub;
    if (await stub.interrupt()) this.#run(index);
  }

  /** Takes the toxic at `index` out, passing on everything it and its input held. */
  async remove(index: number): Promise<void> {
    const stub = this.#stubs[index] as ToxicStub;
    const wrapper = this.#wrappers[index] as ToxicWrapper;
    const previous = this.#stubs[index - 1] as ToxicStub;
    const unlink = () => {
      this.#stubs.splice(index, 1);
      this.#wrappers.splice(index, 1);
    };
    if (!(await stub.interrupt())) {
      unlink();
      return;
    }
    if (wrapper.toxic.cleanup) {
      wrapper.toxic.cleanup(stub);
      if (stub.closed) {
        unlink();
        return;
      }
    }
    const previousStopped = await previous.interrupt();
    // Moved on whatever room there is: the next stage is still running and takes them in order.
    for (const chunk of stub.input.drain()) void stub.output.push(chunk);
    if (stub.input.closed) stub.close();
    if (previousStopped) previous.output = stub.output;
    unlink();
    if (previousStopped) this.#run(index - 1);
  }

  /** Stops every stage: the connection is gone. */
  kill(): void {
    this.#finished = true;
    for (const stub of this.#stubs) stub.kill();
  }

  /** Runs every stage of the chain and the writer behind it, after any bytes already written direct. */
  #startChain(): void {
    this.#wrappers.forEach((wrapper, index) => {
      const stub = this.#stubs[index] as ToxicStub;
      if (wrapper.toxic.newState) stub.state = wrapper.toxic.newState();
      this.#run(index);
    });
    void this.#write(this.#dest as Socket, this.#flushed());
  }

  #writeDirect(source: Socket, data: Buffer): void {
    const dest = this.#dest as Socket;
    // The destination is gone: hold the source as the chain's full buffer would.
    if (this.#finished) {
      source.pause();
      return;
    }
    if (data.length === 0) return;
    this.#unflushed += 1;
    // A failed write is reported on the socket's 'error' event, handled by the connection.
    const fits = dest.write(data, () => this.#written());
    // Pause only while bytes wait in the socket's queue: a write the kernel took at once needs no drain.
    if (!fits && dest.writableLength > 0 && !this.#awaitingDrain) {
      this.#awaitingDrain = true;
      source.pause();
      dest.once("drain", () => {
        this.#awaitingDrain = false;
        // Also after a switch to the chain, whose own backpressure pauses the source again if need be.
        if (!this.#finished && !source.destroyed) source.resume();
      });
    }
  }

  #written(): void {
    this.#unflushed -= 1;
    if (this.#unflushed > 0) return;
    const onFlushed = this.#onFlushed;
    this.#onFlushed = undefined;
    onFlushed?.();
  }

  /** Settles once every direct write so far has been flushed. */
  #flushed(): Promise<void> {
    if (this.#unflushed === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const previous = this.#onFlushed;
      this.#onFlushed = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** The end of a direct link: the source ended, or the destination closed (`gone`). */
  #finishDirect(gone: boolean): void {
    if (this.#finished) return;
    this.kill();
    this.#context.closeSocket(this.#dest as Socket, gone ? Promise.resolve() : this.#flushed());
    this.#context.onFinished(this);
  }

  #run(index: number): void {
    const stub = this.#stubs[index] as ToxicStub;
    const wrapper = this.#wrappers[index] as ToxicWrapper;
    stub.run(this.#program(wrapper), (error) => this.#context.onError(error));
  }

  // Toxicity is rolled each time a stage (re)starts, from this link's seeded stream.
  #program(wrapper: ToxicWrapper): StubProgram {
    if (wrapper === HIDDEN_NOOP) return passThrough;
    const roll = this.#context.random.next();
    if (!(roll < wrapper.toxicity)) return passThrough;
    const context = this.#context;
    context.record(wrapper, "applied", { toxicity: wrapper.toxicity });
    const attributes = wrapper.attributes;
    return (stage) =>
      wrapper.toxic.pipe(stage, attributes, {
        random: context.random,
        now: () => performance.now(),
        record: (outcome, detail) => context.record(wrapper, outcome, detail),
        resetConnection: () => context.resetConnection(),
      });
  }

  async #write(dest: Socket, written: Promise<void>): Promise<void> {
    let gone = dest.destroyed;
    // The current wait, woken early when the destination closes.
    let wakeWriter: (() => void) | undefined;
    dest.once("close", () => {
      gone = true;
      wakeWriter?.();
    });
    const until = (arm: (wake: () => void) => void) =>
      new Promise<void>((resolve) => {
        wakeWriter = resolve;
        arm(resolve);
      });
    let flushed = written;
    for (;;) {
      if (gone) break;
      const chunk = this.#output.take();
      if (chunk === null) break;
      if (chunk === undefined) {
        await until((wake) => {
          void this.#output.readable().then(wake);
        });
        continue;
      }
      if (chunk.data.length === 0) continue;
      flushed = new Promise<void>((resolve) => {
        // A failed write is reported on the socket's 'error' event, handled by the connection.
        dest.write(chunk.data, () => resolve());
      });
      if (dest.writableNeedDrain) await until((wake) => dest.once("drain", wake));
    }
    this.kill();
    this.#context.closeSocket(dest, gone ? Promise.resolve() : flushed);
    this.#context.onFinished(this);
  }
}
