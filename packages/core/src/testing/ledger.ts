import { appendFile, readFile } from "node:fs/promises";

/**
 * The "world" a synthetic workflow changes: an append-only file of applied
 * and undone effects, each named by its idempotency key. It stands in for
 * GitHub and the git remote in engine tests and scenarios, and it is what
 * checkers read back: a key applied twice is a duplicate, an acknowledged
 * phase whose key is absent is lost work.
 */
export interface Ledger {
  readonly path: string;
  apply(key: string): Promise<void>;
  undo(key: string): Promise<void>;
  /** Whether `key` is applied now (applied and not undone since). */
  has(key: string): Promise<boolean>;
  /** How many times each key was applied, undos not subtracted. */
  applications(): Promise<Map<string, number>>;
  /** Keys applied now. */
  live(): Promise<Set<string>>;
}

interface Entry {
  op: "apply" | "undo";
  key: string;
}

export function createLedger(path: string): Ledger {
  const entries = async (): Promise<Entry[]> => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as Entry);
  };
  const live = async () => {
    const keys = new Set<string>();
    for (const entry of await entries()) {
      if (entry.op === "apply") keys.add(entry.key);
      else keys.delete(entry.key);
    }
    return keys;
  };
  return {
    path,
    apply: (key) => appendFile(path, `${JSON.stringify({ op: "apply", key })}\n`),
    undo: (key) => appendFile(path, `${JSON.stringify({ op: "undo", key })}\n`),
    has: async (key) => (await live()).has(key),
    live,
    applications: async () => {
      const counts = new Map<string, number>();
      for (const entry of await entries()) {
        if (entry.op === "apply") counts.set(entry.key, (counts.get(entry.key) ?? 0) + 1);
      }
      return counts;
    },
  };
}
