import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth and leaves out whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("gives the same text whatever the key order", () => {
    expect(canonicalJson({ x: 1, y: [true, null] })).toBe(canonicalJson({ y: [true, null], x: 1 }));
  });

  it("follows JSON.stringify for toJSON, undefined members and array holes", () => {
    const date = new Date(Date.UTC(2026, 0, 2));
    expect(canonicalJson({ when: date, gone: undefined, list: [undefined, () => 1] })).toBe(
      '{"list":[null,null],"when":"2026-01-02T00:00:00.000Z"}',
    );
  });

  it("round-trips through JSON.parse to the same text", () => {
    const value = { s: 'quote " and \n newline \u2028', n: -0.5e-7, big: 2 ** 53 - 1 };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it("refuses what JSON cannot hold faithfully, naming where", () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(
      new TypeError("canonicalJson: $.a[1] is NaN, which JSON cannot hold"),
    );
    expect(() => canonicalJson({ n: 10n })).toThrow(
      new TypeError("canonicalJson: $.n is a bigint, which JSON cannot hold"),
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(new TypeError("canonicalJson: $.self is a cycle"));
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it("accepts the same object twice when it is not a cycle", () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
  });
});
