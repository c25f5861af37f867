/** A write, as the quota sees it. */
export interface QuotaWrite {
  /** Where the write starts in the file. */
  offset: number;
  /** Bytes asked to be written. */
  length: number;
  /** The file's size before the write. */
  size: number;
  /** Bytes still free under the quota. */
  available: number;
}

/**
 * How many of the bytes fit, as a real filesystem decides: only bytes past
 * the end of the file take space (overwriting is free, a hole counts as
 * written), and a write that does not fit writes what does (a short write)
 * — the caller raises ENOSPC only when not even one byte fits.
 */
export function bytesThatFit({ offset, length, size, available }: QuotaWrite): number {
  const growth = Math.max(0, offset + length - size);
  if (growth <= available) return length;
  return Math.max(0, Math.min(length, size + available - offset));
}
