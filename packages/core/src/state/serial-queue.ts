/**
 * Runs tasks one at a time in call order. The store uses it so concurrent
 * `append` calls still get consecutive seqs and whole lines.
 */
export type SerialQueue = <T>(task: () => Promise<T>) => Promise<T>;

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task);
    // The caller gets the outcome through `result`; the tail only orders
    // the next task, so it must not reject and stop the queue.
    tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
}
