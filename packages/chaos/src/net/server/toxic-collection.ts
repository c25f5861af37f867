import type { Clock } from "../../clock/clock.js";
import type { JsonObject } from "../../journal/json-value.js";
import { API_ERRORS } from "./api-error.js";
import type { Serial } from "./serial.js";
import { HIDDEN_NOOP, type LinkContext, ToxicLink } from "./toxic-link.js";
import {
  parseCreateToxic,
  parseUpdateToxic,
  type StreamName,
  type ToxicWrapper,
} from "./toxic-wrapper.js";

export interface ToxicCollectionEnvironment {
  readonly clock: Clock;
  readonly serial: Serial;
  /** Journals a toxic's effect (layer `network`, target `<proxy>/<toxic>`). */
  record(wrapper: ToxicWrapper, outcome: string, detail?: JsonObject): void;
  onWarning(message: string, error?: unknown): void;
}

const STREAMS: readonly StreamName[] = ["upstream", "downstream"];

/**
 * A proxy's toxics (Toxiproxy's `ToxicCollection`): per stream, a chain that
 * starts with a hidden noop, then toxics in insertion order; and every live
 * link, which each change is applied to before the API answers. Callers hold
 * the server's `Serial` lock. Windowed toxics wait in `pending` until their
 * start, and leave on their own at their end.
 */
export class ToxicCollection {
  #env: ToxicCollectionEnvironment;
  #chains: Record<StreamName, ToxicWrapper[]> = {
    upstream: [HIDDEN_NOOP],
    downstream: [HIDDEN_NOOP],
  };
  #pending: ToxicWrapper[] = [];
  #links = new Set<ToxicLink>();
  #windows = new Map<ToxicWrapper, AbortController>();

  constructor(env: ToxicCollectionEnvironment) {
    this.#env = env;
  }

  /** Upstream toxics first, then downstream, each in chain order, windowed ones not yet started last. */
  list(): ToxicWrapper[] {
    return STREAMS.flatMap((stream) => [
      ...this.#chains[stream].slice(1),
      ...this.#pending.filter((wrapper) => wrapper.direction === stream),
    ]);
  }

  /** Toxic names are unique across both streams. */
  find(name: string): ToxicWrapper | undefined {
    return this.list().find((wrapper) => wrapper.name === name);
  }

  /** Validates a create body (Toxiproxy's order of checks) and adds the toxic to every live link. */
  async addJson(body: unknown): Promise<ToxicWrapper> {
    const wrapper = parseCreateToxic(body, (name) => this.find(name) !== undefined);
    await this.add(wrapper);
    return wrapper;
  }

  async add(wrapper: ToxicWrapper): Promise<void> {
    if (wrapper.window) this.#schedule(wrapper);
    if (wrapper.window && wrapper.window.startAfter > 0) {
      this.#pending.push(wrapper);
      return;
    }
    await this.#activate(wrapper);
  }

  async updateJson(name: string, body: unknown): Promise<ToxicWrapper> {
    const wrapper = this.find(name);
    if (wrapper === undefined) throw API_ERRORS.toxicNotFound;
    const { attributes, toxicity } = parseUpdateToxic(wrapper, body);
    wrapper.attributes = attributes;
    wrapper.toxicity = toxicity;
    const index = this.#chains[wrapper.direction].indexOf(wrapper);
    if (index > 0) {
      await Promise.all(
        this.#linksOf(wrapper.direction).map((link) => link.update(index, wrapper)),
      );
    }
    return wrapper;
  }

  async remove(name: string): Promise<void> {
    const wrapper = this.find(name);
    if (wrapper === undefined) throw API_ERRORS.toxicNotFound;
    await this.#remove(wrapper);
  }

  /** Removes every toxic (`/reset`). */
  async reset(): Promise<void> {
    for (const wrapper of this.list()) await this.#remove(wrapper);
  }

  /** A new link for a new connection, running the chain as it is now. */
  startLink(context: Omit<LinkContext, "onFinished">): ToxicLink {
    const link = new ToxicLink(this.#chains[context.direction], {
      ...context,
      onFinished: (finished) => this.#links.delete(finished),
    });
    this.#links.add(link);
    return link;
  }

  /** Cancels every pending window (the proxy is being deleted or replaced). */
  dispose(): void {
    for (const controller of this.#windows.values()) controller.abort();
    this.#windows.clear();
  }

  async #activate(wrapper: ToxicWrapper): Promise<void> {
    this.#chains[wrapper.direction].push(wrapper);
    await Promise.all(this.#linksOf(wrapper.direction).map((link) => link.add(wrapper)));
  }

  async #remove(wrapper: ToxicWrapper): Promise<void> {
    this.#windows.get(wrapper)?.abort();
    this.#windows.delete(wrapper);
    const pendingIndex = this.#pending.indexOf(wrapper);
    if (pendingIndex >= 0) {
      this.#pending.splice(pendingIndex, 1);
      return;
    }
    const chain = this.#chains[wrapper.direction];
    const index = chain.indexOf(wrapper);
    if (index <= 0) return;
    chain.splice(index, 1);
    await Promise.all(this.#linksOf(wrapper.direction).map((link) => link.remove(index)));
  }

  #linksOf(direction: StreamName): ToxicLink[] {
    return [...this.#links].filter((link) => link.direction === direction && !link.finished);
  }

  #schedule(wrapper: ToxicWrapper): void {
    const window = wrapper.window;
    if (!window) return;
    const controller = new AbortController();
    this.#windows.set(wrapper, controller);
    if (window.startAfter > 0) {
      this.#after(window.startAfter, controller.signal, async () => {
        const index = this.#pending.indexOf(wrapper);
        if (index < 0) return;
        this.#pending.splice(index, 1);
        this.#env.record(wrapper, "window-opened", { startAfterMs: window.startAfter });
        await this.#activate(wrapper);
      });
    }
    if (window.removeAfter > 0) {
      this.#after(window.removeAfter, controller.signal, async () => {
        if (!this.list().includes(wrapper)) return;
        this.#env.record(wrapper, "window-closed", { removeAfterMs: window.removeAfter });
        await this.#remove(wrapper);
      });
    }
  }

  #after(ms: number, signal: AbortSignal, action: () => Promise<void>): void {
    this.#env.clock.sleep(ms, signal).then(
      () =>
        this.#env.serial
          .run(() => (signal.aborted ? undefined : action()))
          .catch((error: unknown) =>
            this.#env.onWarning("A time-windowed toxic failed to change", error),
          ),
      (reason: unknown) => {
        // Aborted: the toxic was removed first, so its window no longer applies.
        if (!signal.aborted) this.#env.onWarning("A toxic's time window failed", reason);
      },
    );
  }
}
