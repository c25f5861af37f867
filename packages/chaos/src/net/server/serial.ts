/**
 * Runs tasks one at a time, in call order: the server's lock. Every API
 * change and every time-window change goes through it, as Toxiproxy's
 * handlers take the collection locks.
 */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(task);
    // The next task waits for this one to settle either way; the caller gets its outcome from `result`.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
