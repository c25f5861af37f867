import { describe, expect, it } from "vitest";
import { fnv1a32 } from "./fnv1a32.js";

describe("fnv1a32", () => {
  it("matches the published FNV-1a 32-bit test vectors", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  it("hashes a string as its UTF-8 bytes", () => {
    expect(fnv1a32("é")).toBe(fnv1a32(new Uint8Array([0xc3, 0xa9])));
  });
});
