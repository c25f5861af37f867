import { randomBytes } from "node:crypto";

// xid's alphabet: base32hex, lower case.
const ALPHABET = "0123456789abcdefghijklmnopqrstuv";
const MACHINE = randomBytes(3);
let counter = randomBytes(3).readUIntBE(0, 3);

/**
 * A request id in the shape Toxiproxy sends in `X-Toxiproxy-Request-Id`
 * (an xid: 20 characters of base32hex over 4 bytes of seconds, 3 of machine,
 * 2 of process id and a 3-byte counter).
 */
export function requestId(nowMs: number): string {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(nowMs / 1000) >>> 0, 0);
  MACHINE.copy(bytes, 4);
  bytes.writeUInt16BE(process.pid & 0xffff, 7);
  counter = (counter + 1) & 0xffffff;
  bytes.writeUIntBE(counter, 9, 3);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
