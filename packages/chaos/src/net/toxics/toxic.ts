import type { JsonObject } from "../../journal/json-value.js";
import type { SeededRandom } from "../../seed/seeded-random.js";
import type { StreamChunk } from "../stream/chunk-channel.js";

/**
 * What a toxic's `next()` hands over: a chunk, the end of the stream, a
 * request to stop, or (when asked to wait at most some time) `"idle"`.
 */
export type Received = { readonly chunk: StreamChunk } | "eof" | "interrupt";

/**
 * The stage of one link a toxic runs on (Toxiproxy's `ToxicStub`): it reads
 * chunks from the previous stage and writes to the next. A toxic must return
 * promptly when `next`, `send` or `sleep` report an interrupt, forwarding any
 * chunk it holds first: the chain is being changed and no byte may be lost.
 */
export interface ToxicStage {
  /** The next chunk, the end of stream, or an interrupt. */
  next(): Promise<Received>;
  /** The same, or `"idle"` when nothing arrived within `idleMs`. */
  next(idleMs: number): Promise<Received | "idle">;
  /**
   * Forwards a chunk (it is queued at once, in order) and waits for room
   * downstream; `false` when interrupted while waiting — the chunk is still
   * delivered.
   */
  send(chunk: StreamChunk): Promise<boolean>;
  /** Real-time sleep; `false` when interrupted first. */
  sleep(ms: number): Promise<boolean>;
  /** Ends this stage's output: the rest of the chain closes the connection side it feeds. */
  close(): void;
  /** Per connection and direction, kept across restarts of this stage (stateful toxics). */
  readonly state: unknown;
}

/** Per connection and direction: the seeded draws and the journal. */
export interface ToxicContext {
  /** This connection-direction's stream: jitter and slice sizes draw from it. */
  readonly random: SeededRandom;
  /** Monotonic milliseconds, the clock of `StreamChunk.timestamp`. */
  now(): number;
  /** Journals an effect of this toxic on this connection (layer `network`). */
  record(outcome: string, detail?: JsonObject): void;
  /** Closes both sides of the connection with RST (`socket.resetAndDestroy()`) from now on. */
  resetConnection(): void;
}

/**
 * A toxic type, as a plain value: its attribute names in Toxiproxy's JSON
 * order (all integers, default 0), its input buffer and what it does to a
 * stream. `pipe` returns when interrupted or after it closed the stage.
 */
export interface Toxic<Name extends string = string> {
  readonly type: string;
  readonly attributes: readonly Name[];
  /** Chunks buffered in front of this toxic (latency pipelines 1024; others hand over one by one). */
  readonly bufferSize: number;
  pipe(
    stage: ToxicStage,
    attributes: Readonly<Record<Name, number>>,
    context: ToxicContext,
  ): Promise<void>;
  /** Runs when the toxic is removed from a live link (timeout closes it). */
  cleanup?(stage: ToxicStage): void;
  /** Fresh per-connection state, for toxics whose effect spans restarts (limit_data). */
  newState?(): unknown;
}

/** Forwards chunks until the end of stream or an interrupt; what a toxic does when not toxic. */
export async function passThrough(stage: ToxicStage): Promise<void> {
  for (;;) {
    const received = await stage.next();
    if (received === "interrupt") return;
    if (received === "eof") {
      stage.close();
      return;
    }
    if (!(await stage.send(received.chunk))) return;
  }
}
