import { describe, expect, it } from "vitest";
import { requestId } from "./request-id.js";

describe("requestId", () => {
  it("makes 20-character base32hex ids, distinct for each request", () => {
    const ids = Array.from({ length: 100 }, () => requestId(Date.UTC(2026, 0, 1)));
    expect(ids.every((id) => /^[0-9a-v]{20}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(100);
  });

  it("starts with the time in seconds, as an xid does", () => {
    expect(requestId(0).slice(0, 6)).toBe("000000");
    expect(requestId(Date.UTC(2026, 0, 1)).slice(0, 4)).not.toBe("0000");
  });
});
