import { describe, expect, it } from "vitest";
import {
  decodeFirstValue,
  float32Json,
  GoDecodeError,
  goField,
  goMarshal,
  goValue,
} from "./go-json.js";

const decodeError = (text: string) => {
  try {
    decodeFirstValue(text);
  } catch (error) {
    return error instanceof GoDecodeError ? error.message : `not a GoDecodeError: ${String(error)}`;
  }
  return "decoded";
};

describe("decodeFirstValue", () => {
  it("decodes the first JSON value and ignores what follows, as json.Decoder.Decode", () => {
    expect(decodeFirstValue(' {"a":1} trailing')).toEqual({ a: 1 });
    expect(decodeFirstValue('["x"]{}')).toEqual(["x"]);
    expect(decodeFirstValue("null")).toBe(null);
  });

  it("reports Go's errors for empty, cut-off and malformed bodies", () => {
    expect(decodeError("")).toBe("EOF");
    expect(decodeError("  \n")).toBe("EOF");
    expect(decodeError('{"a":')).toBe("unexpected EOF");
    expect(decodeError("?")).toBe("invalid character '?' looking for beginning of value");
    expect(decodeError("{a:1}")).toBe(
      "invalid character 'a' looking for beginning of object key string",
    );
  });
});

describe("goField and goValue", () => {
  it("matches keys exactly first, then without regard to case", () => {
    expect(goField({ name: "exact", NAME: "upper" }, "name")).toBe("exact");
    expect(goField({ NaMe: "mixed" }, "name")).toBe("mixed");
    expect(goField({}, "name")).toBe(undefined);
  });

  it("leaves null and absent fields unset, and refuses the wrong JSON type as Go does", () => {
    expect(goValue(null, "string", "Proxy.name")).toBe(undefined);
    expect(goValue(3, "int64", "T.x")).toBe(3);
    expect(() => goValue("3", "int64", "T.x")).toThrow(
      "json: cannot unmarshal string into Go struct field T.x of type int64",
    );
    expect(() => goValue(2.5, "int", "T.x")).toThrow(
      "json: cannot unmarshal number 2.5 into Go struct field T.x of type int",
    );
    expect(() => goValue([], "bool", "Proxy.enabled")).toThrow(
      "json: cannot unmarshal array into Go struct field Proxy.enabled of type bool",
    );
    expect(() => goValue(1e39, "float32", "T.toxicity")).toThrow(
      "json: cannot unmarshal number 1e+39 into Go struct field T.toxicity of type float32",
    );
  });
});

describe("goMarshal and float32Json", () => {
  it("escapes <, >, & and the JavaScript line separators as json.Marshal does", () => {
    expect(goMarshal({ name: "<a&b>\u2028" })).toBe('{"name":"\\u003ca\\u0026b\\u003e\\u2028"}');
  });

  it("prints a float32 with the fewest digits that read back the same", () => {
    expect(float32Json(0.1)).toBe(0.1);
    expect(float32Json(Math.fround(0.3))).toBe(0.3);
    expect(float32Json(1)).toBe(1);
    expect(float32Json(0.123456789)).toBe(0.12345679);
  });
});
