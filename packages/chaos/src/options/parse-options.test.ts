import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseOptions } from "./parse-options.js";

const schema = z.strictObject({
  retries: z.number().int().min(0, "must be >= 0"),
  targets: z.array(z.strictObject({ name: z.string().min(1, "must be a non-empty name") })),
});

describe("parseOptions", () => {
  it("returns the parsed value when it is valid", () => {
    expect(parseOptions(schema, { retries: 2, targets: [{ name: "a" }] }, "test options")).toEqual({
      retries: 2,
      targets: [{ name: "a" }],
    });
  });

  it("names every bad field, nested ones with their index, in one TypeError", () => {
    expect(() =>
      parseOptions(schema, { retries: -1, targets: [{ name: "a" }, { name: "" }] }, "test options"),
    ).toThrow(
      new TypeError(
        "Invalid test options: retries: must be >= 0; targets[1].name: must be a non-empty name. Please fix the fields named.",
      ),
    );
  });

  it("names each unknown key as a field", () => {
    expect(() =>
      parseOptions(schema, { retries: 0, targets: [], retires: 3, extra: true }, "test options"),
    ).toThrow(
      new TypeError(
        "Invalid test options: retires: is not a known field; extra: is not a known field. Please fix the fields named.",
      ),
    );
  });

  it("says when the value itself is wrong", () => {
    expect(() => parseOptions(schema, "nope", "test options")).toThrow(
      new TypeError(
        "Invalid test options: (the value itself): Invalid input: expected object, received string. Please fix the fields named.",
      ),
    );
  });
});
