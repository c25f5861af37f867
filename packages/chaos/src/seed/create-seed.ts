import { fnv1a32 } from "./fnv1a32.js";
import { createSeededRandom, type SeededRandom } from "./seeded-random.js";

/** What a failing run prints so it can be rerun exactly. */
export interface ReplayRecord {
  readonly root: number;
  /** The streams the run derived, in the order first asked for. */
  readonly streams: readonly string[];
}

/** One root seed owning every random choice of a run. */
export interface Seed {
  readonly root: number;
  /**
   * The stream for one layer (`"network"`, `"github"`, `"fault-points"` …).
   * The same root and name always give the same sequence; different names give
   * independent sequences. Asking twice for a name returns the same stream,
   * so two parts of one layer never replay each other's draws.
   */
  stream(name: string): SeededRandom;
  /** The replay record: the root and every stream derived so far. */
  record(): ReplayRecord;
}

const MAX_ROOT = Number.MAX_SAFE_INTEGER;

/**
 * Derives per-layer streams from one root: each stream is xoroshiro128+
 * seeded with FNV-1a over the root (8 bytes, big-endian) and the name
 * (UTF-8). Hashing the name, rather than drawing streams from the root in
 * order, keeps a layer's sequence the same when another layer is added.
 */
export function createSeed(root: number): Seed {
  if (!Number.isSafeInteger(root) || root < 0 || root > MAX_ROOT) {
    throw new TypeError(
      `createSeed(root) needs a non-negative safe integer, got ${String(root)}. Please pass the number printed after --seed.`,
    );
  }
  const streams = new Map<string, SeededRandom>();
  return {
    root,
    stream(name) {
      if (typeof name !== "string" || name === "") {
        throw new TypeError("stream(name) needs a non-empty name, such as the layer it feeds.");
      }
      const existing = streams.get(name);
      if (existing) return existing;
      const created = createSeededRandom(streamSeed(root, name));
      streams.set(name, created);
      return created;
    },
    record: () => ({ root, streams: [...streams.keys()] }),
  };
}

/** The 32-bit seed of stream `name` under `root`. */
export function streamSeed(root: number, name: string): number {
  const rootBytes = new Uint8Array(8);
  new DataView(rootBytes.buffer).setBigUint64(0, BigInt(root));
  const nameBytes = new TextEncoder().encode(name);
  const bytes = new Uint8Array(rootBytes.length + 1 + nameBytes.length);
  bytes.set(rootBytes, 0);
  // A separator byte that UTF-8 text never starts with keeps root/name unambiguous.
  bytes[rootBytes.length] = 0xff;
  bytes.set(nameBytes, rootBytes.length + 1);
  return fnv1a32(bytes);
}
