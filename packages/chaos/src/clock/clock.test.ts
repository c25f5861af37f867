import { describe, expect, it } from "vitest";
import { isoTime } from "./clock.js";

describe("isoTime", () => {
  it("formats the clock's time as ISO-8601 UTC", () => {
    expect(isoTime({ now: () => Date.UTC(2026, 4, 17, 13, 5, 9, 42) })).toBe(
      "2026-05-17T13:05:09.042Z",
    );
  });
});
