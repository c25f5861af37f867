import { rename } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { errnoError } from "./errno-error.js";

const shape = (error: unknown) => ({
  keys: Object.keys(error as object),
  fields: { ...(error as object) },
  message: (error as Error).message,
  prototype: Object.getPrototypeOf(error),
});

describe("errnoError: Node's fs errors, exactly", () => {
  it("matches a real rename failure field for field, path and dest included", async () => {
    const real = await rename("/nonexistent-wfm-a", "/nonexistent-wfm-b").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(
      shape(errnoError("ENOENT", "rename", "/nonexistent-wfm-a", "/nonexistent-wfm-b")),
    ).toEqual(shape(real));
  });

  it("names EDQUOT, which Node 20's libuv has no name for", () => {
    expect(shape(errnoError("EDQUOT", "write"))).toEqual({
      keys: ["errno", "code", "syscall"],
      fields: { errno: -122, code: "EDQUOT", syscall: "write" },
      message: "EDQUOT: disk quota exceeded, write",
      prototype: Error.prototype,
    });
  });

  it("refuses a code it does not know", () => {
    expect(() => errnoError("EWHAT", "open")).toThrow(
      new TypeError('errnoError: unknown errno code "EWHAT"'),
    );
  });
});
