import { describe, expect, it } from "vitest";
import { ReadSlab } from "./read-slab.js";

/** Fills `room` as a read of `length` bytes would, then claims them. */
function read(slab: ReadSlab, length: number, fill: number): Buffer {
  const room = slab.room();
  room.fill(fill, 0, length);
  return slab.take(length, room);
}

describe("rooms for successive reads", () => {
  it("hands each read its own bytes: later reads never overwrite earlier chunks", () => {
    const slab = new ReadSlab(1024, 256);
    const first = read(slab, 100, 1);
    const second = read(slab, 300, 2);
    const third = read(slab, 5, 3);
    expect([first.length, second.length, third.length]).toEqual([100, 300, 5]);
    expect(first.equals(Buffer.alloc(100, 1))).toBe(true);
    expect(second.equals(Buffer.alloc(300, 2))).toBe(true);
    expect(third.equals(Buffer.alloc(5, 3))).toBe(true);
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteOffset - first.byteOffset).toBe(100);
  });

  it("offers the whole rest of the slab, and starts a new slab when less than minRoom is left", () => {
    const slab = new ReadSlab(1024, 256);
    expect(slab.room().length).toBe(1024);
    const first = read(slab, 700, 1);
    expect(slab.room().length).toBe(324);
    read(slab, 100, 2);
    const fresh = slab.room();
    expect(fresh.length).toBe(1024);
    fresh.fill(9);
    expect(first.equals(Buffer.alloc(700, 1))).toBe(true);
  });
});

describe("limiting reads", () => {
  it("offers at most the limit from then on, still in the same slab", () => {
    const slab = new ReadSlab(1024, 256);
    read(slab, 100, 1);
    slab.limitReads(300);
    const room = slab.room();
    expect(room.length).toBe(300);
    const second = slab.take(300, room);
    expect(slab.room().length).toBe(300);
    slab.limitReads(5_000);
    expect(slab.room().length).toBe(624);
    expect(second.length).toBe(300);
  });
});

describe("sizes", () => {
  it("defaults to 1 MiB slabs with at least 64 KiB of room per read", () => {
    const slab = new ReadSlab();
    expect([slab.size, slab.minRoom, slab.room().length]).toEqual([1_048_576, 65_536, 1_048_576]);
  });

  it("refuses a minRoom above the size, or sizes that are not positive integers", () => {
    expect(() => new ReadSlab(100, 200)).toThrow(
      new TypeError(
        "ReadSlab needs integer sizes with 0 < minRoom <= size, got size 100, minRoom 200.",
      ),
    );
    expect(() => new ReadSlab(100, 0)).toThrow(TypeError);
    expect(() => new ReadSlab(100.5, 10)).toThrow(TypeError);
  });
});
