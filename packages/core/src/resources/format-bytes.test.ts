import { describe, expect, it } from "vitest";
import { formatBytes } from "./format-bytes.js";

describe("byte counts for people", () => {
  it("uses binary units with at most one decimal", () => {
    expect(
      [0, 1, 1023, 1024, 1536, 12 * 1024 * 1024, 64 * 1024 * 1024 + 100_000, 3 * 1024 ** 3].map(
        formatBytes,
      ),
    ).toEqual([
      "0 bytes",
      "1 byte",
      "1023 bytes",
      "1 KiB",
      "1.5 KiB",
      "12 MiB",
      "64.1 MiB",
      "3 GiB",
    ]);
  });

  it("spells out a non-finite count rather than inventing a unit", () => {
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe("Infinity");
  });
});
