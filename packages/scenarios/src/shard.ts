/** `--shard I/N`: this process runs every N-th case, starting at the I-th. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new RangeError(`--shard must be I/N with 1 ≤ I ≤ N (e.g. 2/4), got "${text}".`);
  }
  return { index, count };
}

/** The cases of one shard: a stable, interleaved split, so shards take similar time. */
export function selectShard<T>(items: readonly T[], shard: Shard | undefined): T[] {
  if (shard === undefined) return [...items];
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}
