/** Byte-for-byte equality (memcmp through Buffer, fast for a whole journal). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
