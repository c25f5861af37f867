import { describe, expect, it } from "vitest";
import type { TraceOp } from "../trace/trace-op.js";
import { pendingOps } from "./pending-ops.js";

// Inodes: 0 is /, 1 is /a, 2 is /b, 10 and 11 are files.
const ops: TraceOp[] = [
  { kind: "create", parent: 1, name: "f", ino: 10, path: "/a/f" },
  { kind: "write", ino: 10, offset: 0, data: new Uint8Array(3), path: "/a/f" },
  { kind: "fsync", ino: 10, path: "/a/f" },
  { kind: "write", ino: 10, offset: 3, data: new Uint8Array(2), path: "/a/f" },
  {
    kind: "rename",
    fromParent: 1,
    fromName: "f",
    toParent: 2,
    toName: "g",
    ino: 10,
    path: "/a/f",
    to: "/b/g",
  },
  { kind: "fsyncdir", ino: 1, path: "/a" },
  { kind: "create", parent: 2, name: "h", ino: 11, path: "/b/h" },
  { kind: "fsyncdir", ino: 2, path: "/b" },
  { kind: "truncate", ino: 11, length: 0, path: "/b/h" },
];

describe("pendingOps: what a crash may still lose", () => {
  it("keeps writes until their file is fsynced, and only those before the fsync", () => {
    const pending = pendingOps(ops, 4);
    expect(pending.durable).toEqual([false, true, true, false]);
    expect([...pending.data]).toEqual([[10, [3]]]);
    expect(pending.inFlightWrite).toBe(3);
  });

  it("does not make a new file's entry durable by fsyncing the file", () => {
    expect(pendingOps(ops, 3).directory).toEqual([0]);
  });

  it("makes a create durable once its directory is fsynced", () => {
    expect(pendingOps(ops, 6).durable[0]).toBe(true);
  });

  it("makes a rename between directories durable only once both are fsynced", () => {
    expect(pendingOps(ops, 6).directory).toEqual([4]);
    expect(pendingOps(ops, 7).directory).toEqual([4, 6]);
    const afterBoth = pendingOps(ops, 8);
    expect(afterBoth.directory).toEqual([]);
    expect(afterBoth.durable).toEqual([true, true, true, false, true, true, true, true]);
  });

  it("does not make data durable by fsyncing its directory", () => {
    const pending = pendingOps(ops, 9);
    expect([...pending.data]).toEqual([
      [10, [3]],
      [11, [8]],
    ]);
    expect(pending.inFlightWrite).toBeUndefined();
  });

  it("has nothing pending before the first op", () => {
    expect(pendingOps(ops, 0)).toEqual({
      crashPoint: 0,
      durable: [],
      data: new Map(),
      directory: [],
      inFlightWrite: undefined,
    });
  });

  it("refuses a crash point outside the trace", () => {
    expect(() => pendingOps(ops, 10)).toThrow(
      new RangeError("crashPoint must be an integer from 0 to 9 (the trace length), got 10"),
    );
  });
});
