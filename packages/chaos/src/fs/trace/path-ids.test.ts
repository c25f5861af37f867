import { describe, expect, it } from "vitest";
import { PathIds } from "./path-ids.js";

describe("PathIds: inode numbers by path", () => {
  it("allocates numbers that are never reused", () => {
    const ids = new PathIds([["/", 0]], 1);
    expect(ids.allocate("/a")).toBe(1);
    ids.remove("/a");
    expect(ids.allocate("/a")).toBe(2);
    expect(ids.get("/a")).toBe(2);
  });

  it("moves and removes a directory with everything under it", () => {
    const ids = new PathIds(
      [
        ["/", 0],
        ["/d", 1],
        ["/d/f", 2],
        ["/d/e", 3],
        ["/d/e/g", 4],
        ["/dx", 5],
        ["/t", 6],
      ],
      7,
    );
    ids.move("/d", "/t");
    expect(["/d", "/d/f", "/t", "/t/f", "/t/e/g", "/dx"].map((path) => ids.get(path))).toEqual([
      undefined,
      undefined,
      1,
      2,
      4,
      5,
    ]);
    expect(ids.pathOf(4)).toBe("/t/e/g");
    ids.remove("/t");
    expect(ids.pathOf(4)).toBeUndefined();
    expect(["/t", "/t/e", "/dx", "/"].map((path) => ids.get(path))).toEqual([
      undefined,
      undefined,
      5,
      0,
    ]);
  });
});
