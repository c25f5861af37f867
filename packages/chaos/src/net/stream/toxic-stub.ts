import type { Received, ToxicStage } from "../toxics/toxic.js";
import type { ChunkChannel, StreamChunk } from "./chunk-channel.js";
import { afterAtLeast } from "./delay-at-least.js";

/** What a stub runs: a toxic pipe bound to its attributes and context, or passthrough. */
export type StubProgram = (stage: ToxicStage) => Promise<void>;

/**
 * One stage of a link (Toxiproxy's `ToxicStub`): an input channel, an output
 * channel and the toxic currently running between them. `interrupt()` asks
 * the running toxic to return (it checks at every `next`, `send` and
 * `sleep`) so the link can rewire channels and restart it; `kill()` stops it
 * for good when the link is gone.
 */
export class ToxicStub implements ToxicStage {
  input: ChunkChannel;
  output: ChunkChannel;
  state: unknown = undefined;
  #closed = false;
  #killed = false;
  /** An interrupt was asked for and not yet seen by the toxic. */
  #requested = false;
  /** The toxic saw the interrupt and is on its way out: nothing waits any more. */
  #stopping = false;
  #ack: ((seen: boolean) => void) | undefined;
  /** Whoever waits now, woken by an interrupt or a kill (a set, not a promise: waits are many, alarms rare). */
  #waiters = new Set<() => void>();
  #running: Promise<void> = Promise.resolve();
  #active = false;

  constructor(input: ChunkChannel, output: ChunkChannel) {
    this.input = input;
    this.output = output;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Starts `program`; it runs until it returns (interrupted, or it closed the stage). */
  run(program: StubProgram, onError: (error: unknown) => void): void {
    if (this.#killed || this.#closed) return;
    this.#stopping = false;
    this.#active = true;
    this.#running = program(this).then(
      () => this.#finished(),
      (error: unknown) => {
        this.#finished();
        onError(error);
      },
    );
  }

  /**
   * Stops the running toxic. `true` once it returned and the stage is still
   * open (the link may rewire and restart it); `false` when the stage closed
   * (end of stream, or the toxic closed it) or the link is gone.
   */
  async interrupt(): Promise<boolean> {
    if (this.#closed || this.#killed) return false;
    if (!this.#active) return true;
    this.#requested = true;
    const seen = new Promise<boolean>((resolve) => {
      this.#ack = resolve;
    });
    this.#raise();
    if (!(await seen)) return false;
    await this.#running;
    return !this.#closed && !this.#killed;
  }

  /** Stops the toxic for good and frees anything waiting: the link is gone. */
  kill(): void {
    if (this.#killed) return;
    this.#killed = true;
    this.#settleRequest(false);
    this.#raise();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#settleRequest(false);
    this.output.close();
  }

  next(): Promise<Received>;
  next(idleMs: number): Promise<Received | "idle">;
  async next(idleMs?: number): Promise<Received | "idle"> {
    let idle = false;
    let wakeIdle: (() => void) | undefined;
    const cancelIdle =
      idleMs === undefined
        ? undefined
        : afterAtLeast(idleMs, () => {
            idle = true;
            wakeIdle?.();
          });
    try {
      for (;;) {
        if (this.#seeInterrupt()) return "interrupt";
        const chunk = this.input.take();
        if (chunk === null) return "eof";
        if (chunk !== undefined) return { chunk };
        if (idle) return "idle";
        await this.#wait((wake) => {
          wakeIdle = wake;
          void this.input.readable().then(wake);
        });
      }
    } finally {
      cancelIdle?.();
    }
  }

  async send(chunk: StreamChunk): Promise<boolean> {
    const accepted = this.output.push(chunk);
    if (this.#stopping || this.#killed) return false;
    if (accepted === undefined) return true;
    if (this.#seeInterrupt()) return false;
    await this.#wait((wake) => {
      void accepted.then(wake);
    });
    return !this.#seeInterrupt();
  }

  async sleep(ms: number): Promise<boolean> {
    if (this.#seeInterrupt()) return false;
    if (!(ms > 0)) return true;
    let cancel: (() => void) | undefined;
    try {
      await this.#wait((wake) => {
        cancel = afterAtLeast(ms, wake);
      });
    } finally {
      cancel?.();
    }
    return !this.#seeInterrupt();
  }

  /** Waits until `arm`'s wake is called or an interrupt or kill arrives, whichever is first. */
  #wait(arm: (wake: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.#waiters.delete(wake);
        resolve();
      };
      this.#waiters.add(wake);
      arm(wake);
    });
  }

  #raise(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** Whether the toxic must return now; marks the interrupt as seen. */
  #seeInterrupt(): boolean {
    if (this.#killed || this.#stopping) return true;
    if (!this.#requested) return false;
    this.#stopping = true;
    this.#settleRequest(true);
    return true;
  }

  #settleRequest(seen: boolean): void {
    if (!this.#requested) return;
    this.#requested = false;
    const ack = this.#ack;
    this.#ack = undefined;
    ack?.(seen);
  }

  #finished(): void {
    this.#active = false;
    // A toxic that returned without looking at a pending interrupt has still stopped.
    if (this.#requested) {
      this.#stopping = true;
      this.#settleRequest(true);
    }
  }
}
