import { describe, expect, it } from "vitest";
import { loadGithubOpenApiValidator, operationIdOf, toJsonSchema } from "./openapi-validator.js";

const validator = loadGithubOpenApiValidator();

describe("converting OpenAPI 3.0 schemas", () => {
  it("turns nullable into a null type, a null enum member or an anyOf with null", () => {
    expect(toJsonSchema({ type: "string", nullable: true, example: "x" })).toEqual({
      type: ["string", "null"],
    });
    expect(toJsonSchema({ type: "string", enum: ["a"], nullable: true })).toEqual({
      type: ["string", "null"],
      enum: ["a", null],
    });
    expect(
      toJsonSchema({ allOf: [{ $ref: "#/components/schemas/simple-user" }], nullable: true }),
    ).toEqual({
      anyOf: [
        {
          allOf: [{ $ref: "https://api.github.com/openapi.json#/components/schemas/simple-user" }],
        },
        { type: "null" },
      ],
    });
    expect(toJsonSchema({ properties: { nullable: { type: "boolean" } } })).toEqual({
      properties: { nullable: { type: "boolean" } },
    });
  });

  it("names operations as the document does", () => {
    expect(operationIdOf("issues.listForRepo")).toBe("issues/list-for-repo");
    expect(operationIdOf("rateLimit.get")).toBe("rate-limit/get");
    expect(validator.describedStatuses("git/delete-ref")).toEqual([204, 409, 422]);
  });
});

describe("validating a response body", () => {
  const label = {
    id: 1,
    node_id: "LA_1",
    url: "https://api.github.com/repos/o/r/labels/bug",
    name: "bug",
    color: "d73a4a",
    default: true,
    description: null,
  };
  const json = "application/json; charset=utf-8";

  it("accepts a body with every required field, null where the schema allows it", () => {
    expect(validator.validate("issues/create-label", 201, json, JSON.stringify(label))).toEqual({
      valid: true,
      source: "operation",
      errors: [],
    });
  });

  it("rejects a body missing a required field or with null where none is allowed", () => {
    const { default: _dropped, ...missing } = label;
    expect(validator.validate("issues/create-label", 201, json, JSON.stringify(missing))).toEqual({
      valid: false,
      source: "operation",
      errors: ["(body) must have required property 'default'"],
    });
    expect(
      validator.validate("issues/create-label", 201, json, JSON.stringify({ ...label, name: null }))
        .errors,
    ).toEqual(["/name must be string"]);
  });

  it("checks an undescribed error status against basic-error, and HTML only as a 5xx page", () => {
    expect(
      validator.validate("issues/create-label", 429, json, '{"message":"x","status":429}'),
    ).toEqual({
      valid: false,
      source: "basic-error",
      errors: ["/status must be string"],
    });
    expect(
      validator.validate(
        "issues/create-label",
        502,
        "text/html; charset=utf-8",
        "<!DOCTYPE html><p>x</p>",
      ).valid,
    ).toBe(true);
    expect(validator.validate("issues/create-label", 200, json, "{}")).toEqual({
      valid: false,
      source: "basic-error",
      errors: ["status 200 is not described for issues/create-label"],
    });
    expect(validator.validate("git/delete-ref", 204, "", "")).toEqual({
      valid: true,
      source: "no-content",
      errors: [],
    });
  });
});
