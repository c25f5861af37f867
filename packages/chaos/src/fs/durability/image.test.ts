import { describe, expect, it } from "vitest";
import type { TraceOp } from "../trace/trace-op.js";
import { applyOp, cloneImage, emptyImage, fileBytes, type Image, reachable } from "./image.js";

const create = (parent: number, name: string, ino: number): TraceOp => ({
  kind: "create",
  parent,
  name,
  ino,
  path: `/${name}`,
});
const write = (ino: number, offset: number, text: string): TraceOp => ({
  kind: "write",
  ino,
  offset,
  data: new TextEncoder().encode(text),
  path: "/f",
});

function files(image: Image): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, node] of reachable(image)) {
    out[path] = node.kind === "dir" ? "<dir>" : new TextDecoder().decode(fileBytes(node));
  }
  return out;
}

describe("applyOp: replaying ops onto an image", () => {
  it("writes, extends with zeros past the end, and truncates", () => {
    const image = emptyImage();
    expect(applyOp(image, create(0, "f", 1))).toBe(true);
    applyOp(image, write(1, 0, "abcdef"));
    applyOp(image, { kind: "truncate", ino: 1, length: 2, path: "/f" });
    applyOp(image, write(1, 4, "Z"));
    expect(files(image)).toEqual({ "/": "<dir>", "/f": "ab\u0000\u0000Z" });
  });

  it("lands a write on its inode after a rename, and on an orphan after an unlink", () => {
    const image = emptyImage();
    applyOp(image, create(0, "a", 1));
    applyOp(image, {
      kind: "rename",
      fromParent: 0,
      fromName: "a",
      toParent: 0,
      toName: "b",
      ino: 1,
      path: "/a",
      to: "/b",
    });
    applyOp(image, write(1, 0, "moved"));
    applyOp(image, create(0, "c", 2));
    applyOp(image, { kind: "unlink", parent: 0, name: "c", ino: 2, path: "/c" });
    applyOp(image, write(2, 0, "unseen"));
    expect(files(image)).toEqual({ "/": "<dir>", "/b": "moved" });
  });

  it("refuses ops whose prerequisites did not persist", () => {
    const image = emptyImage();
    const renameMissing: TraceOp = {
      kind: "rename",
      fromParent: 0,
      fromName: "x",
      toParent: 0,
      toName: "y",
      ino: 5,
      path: "/x",
      to: "/y",
    };
    expect(applyOp(image, renameMissing)).toBe(false);
    applyOp(image, create(0, "f", 1));
    expect(applyOp(image, create(0, "f", 2))).toBe(false);
    applyOp(image, { kind: "mkdir", parent: 0, name: "d", ino: 3, path: "/d" });
    applyOp(image, { kind: "create", parent: 3, name: "g", ino: 4, path: "/d/g" });
    expect(applyOp(image, { kind: "rmdir", parent: 0, name: "d", ino: 3, path: "/d" })).toBe(false);
    expect(applyOp(image, { kind: "unlink", parent: 0, name: "f", ino: 9, path: "/f" })).toBe(
      false,
    );
    expect(files(image)).toEqual({ "/": "<dir>", "/d": "<dir>", "/d/g": "", "/f": "" });
  });

  it("clones deeply", () => {
    const image = emptyImage();
    applyOp(image, create(0, "f", 1));
    applyOp(image, write(1, 0, "one"));
    const copy = cloneImage(image);
    applyOp(copy, write(1, 0, "two"));
    expect(files(image)["/f"]).toBe("one");
    expect(files(copy)["/f"]).toBe("two");
  });
});
