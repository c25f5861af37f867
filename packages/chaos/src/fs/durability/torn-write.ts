import type { Random } from "../../seed/random.js";

/** How an interrupted write can land (ALICE: append = size grows → zeros → garbage → data). */
export const TornKind = {
  /** Only the first bytes reached the disk. */
  Prefix: "prefix",
  /** The file's size was updated but the bytes were not: NULs (ext4 delalloc, NTFS). */
  Zeros: "zeros",
  /** The blocks were allocated but hold whatever was there before: garbage. */
  Garbage: "garbage",
} as const;
export type TornKind = (typeof TornKind)[keyof typeof TornKind];

/** Which prefix lengths the enumeration tries for a torn write of n bytes. */
export const TornPrefixes = {
  /** n/2 (rounded down). */
  Half: "half",
  /** 1, n/2 and n − 1: the first byte, the middle, all but the last byte. */
  Ends: "ends",
  /** Every length from 1 to n − 1. */
  EveryByte: "every-byte",
} as const;
export type TornPrefixes = (typeof TornPrefixes)[keyof typeof TornPrefixes];

/** A torn write: which bytes landed in place of the data. */
export type TornWrite =
  | { kind: "prefix"; length: number }
  | { kind: "zeros" }
  | { kind: "garbage"; bytes: Uint8Array };

/** The distinct prefix lengths in [1, n − 1] that `mode` asks for, ascending. */
export function prefixLengths(n: number, mode: TornPrefixes): number[] {
  const lengths =
    mode === "every-byte"
      ? Array.from({ length: Math.max(0, n - 1) }, (_, index) => index + 1)
      : mode === "half"
        ? [Math.floor(n / 2)]
        : [1, Math.floor(n / 2), n - 1];
  return [...new Set(lengths)].filter((length) => length >= 1 && length < n).sort((a, b) => a - b);
}

/** The bytes that land instead of `data`. */
export function tornBytes(data: Uint8Array, torn: TornWrite): Uint8Array {
  switch (torn.kind) {
    case "prefix":
      return data.subarray(0, torn.length);
    case "zeros":
      return new Uint8Array(data.length);
    case "garbage":
      return torn.bytes;
  }
}

/** `n` random bytes from the seeded stream. */
export function garbageBytes(random: Random, n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = Math.floor(random.next() * 256);
  return bytes;
}

/** "torn: prefix 12 of 40 bytes" */
export function describeTorn(torn: TornWrite, length: number): string {
  return torn.kind === "prefix"
    ? `torn: prefix ${torn.length} of ${length} bytes`
    : `torn: ${torn.kind} (${length} bytes)`;
}
