import { realpath } from "node:fs/promises";
import { resolve } from "node:path";
import { createSerialQueue, type SerialQueue } from "../state/serial-queue.js";

/**
 * One queue per repository for the whole process, so two GitRepository
 * instances over the same directory (or one reached through a symlink)
 * still run one git operation at a time and never race for index.lock.
 */
const queues = new Map<string, SerialQueue>();

/** The key a repository's operations queue on: its real path, or the absolute one while it does not exist. */
export async function repositoryKey(dir: string): Promise<string> {
  try {
    return await realpath(dir);
  } catch (error) {
    // A missing directory is reported by preflight; it still needs a key.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return resolve(dir);
    throw error;
  }
}

/** Runs `task` when every earlier operation on the same repository has finished. */
export function withRepositoryLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  let queue = queues.get(key);
  if (queue === undefined) {
    queue = createSerialQueue();
    queues.set(key, queue);
  }
  return queue(task);
}
