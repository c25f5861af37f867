// For tests only: ajv, ajv-formats and @octokit/openapi are devDependencies.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

type JsonSchema = { [key: string]: unknown };
interface OpenApiResponse {
  $ref?: string;
  content?: Record<string, { schema?: JsonSchema }>;
}
interface OpenApiOperation {
  operationId?: string;
  responses?: Record<string, OpenApiResponse>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, OpenApiResponse>;
  };
}

/** Which schema a body was checked against. */
export type SchemaSource =
  /** The operation's own response for this status. */
  | "operation"
  /** An error status the operation does not describe (or describes without a body): GitHub's `basic-error` component. */
  | "basic-error"
  /** The operation describes this status with no body (204): the body must be empty. */
  | "no-content"
  /** An HTML body (GitHub's 502 page): JSON schemas do not apply; checked to be HTML. */
  | "html";

export interface ValidationResult {
  readonly valid: boolean;
  readonly source: SchemaSource;
  /** ajv's errors, as `instancePath message` lines; empty when valid. */
  readonly errors: string[];
}

/** GitHub's published REST description, compiled for response validation. */
export interface GithubOpenApiValidator {
  /** The operation ids the document has (`issues/create`, …). */
  hasOperation(operationId: string): boolean;
  /** The statuses the operation describes. */
  describedStatuses(operationId: string): number[];
  /**
   * Validates one response body for (operation, status). `body` is the raw
   * text; `contentType` decides JSON or HTML.
   */
  validate(
    operationId: string,
    status: number,
    contentType: string,
    body: string,
  ): ValidationResult;
}

const DOC_ID = "https://api.github.com/openapi.json";

/** The simulator's endpoint name as GitHub's operation id: `issues.listForRepo` → `issues/list-for-repo`. */
export function operationIdOf(endpointName: string): string {
  return endpointName.replace(".", "/").replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a `"null"` type (or an
 * `anyOf` with null where there is no `type`), and local `$ref`s point into
 * the registered document.
 */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== "object" || schema === null) return schema;
  const source = schema as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "nullable" || key === "example" || key === "examples" || key === "discriminator") {
      continue;
    }
    if (key === "$ref" && typeof value === "string" && value.startsWith("#/")) {
      out.$ref = `${DOC_ID}${value}`;
      continue;
    }
    // Property names are data, not keywords: convert the schemas under them only.
    if (key === "properties" && typeof value === "object" && value !== null) {
      out.properties = Object.fromEntries(
        Object.entries(value as JsonSchema).map(([name, sub]) => [name, toJsonSchema(sub)]),
      );
      continue;
    }
    out[key] = toJsonSchema(value);
  }
  if (source.nullable === true) {
    if (typeof out.type === "string") {
      out.type = [out.type, "null"];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else if (Array.isArray(out.type)) {
      if (!out.type.includes("null")) out.type = [...out.type, "null"];
    } else {
      return { anyOf: [out, { type: "null" }] };
    }
  }
  return out;
}

let cached: GithubOpenApiValidator | undefined;

/** Loads `api.github.com.json` from `@octokit/openapi` once per process and compiles on demand. */
export function loadGithubOpenApiValidator(): GithubOpenApiValidator {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const packageDir = require.resolve("@octokit/openapi").replace(/index\.js$/, "");
  const document = JSON.parse(
    readFileSync(`${packageDir}generated/api.github.com.json`, "utf8"),
  ) as OpenApiDocument;

  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS with a default export.
  const addFormats =
    (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
    addFormatsModule;
  (addFormats as unknown as (instance: Ajv) => void)(ajv);
  ajv.addSchema({
    $id: DOC_ID,
    components: { schemas: toJsonSchema(document.components.schemas) },
  });

  const operations = new Map<string, OpenApiOperation>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (typeof operation === "object" && operation?.operationId) {
        operations.set(operation.operationId, operation);
      }
    }
  }
  const compiled = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: JsonSchema): ValidateFunction => {
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(toJsonSchema(schema) as JsonSchema);
      compiled.set(key, validate);
    }
    return validate;
  };
  const responseOf = (operationId: string, status: number): OpenApiResponse | undefined => {
    const response = operations.get(operationId)?.responses?.[String(status)];
    if (response?.$ref) {
      return document.components.responses[response.$ref.split("/").at(-1) ?? ""];
    }
    return response;
  };

  cached = {
    hasOperation: (operationId) => operations.has(operationId),
    describedStatuses: (operationId) =>
      Object.keys(operations.get(operationId)?.responses ?? {}).map(Number),
    validate(operationId, status, contentType, body) {
      if (!operations.has(operationId)) {
        throw new TypeError(`GitHub's OpenAPI document has no operation ${operationId}.`);
      }
      if (contentType.startsWith("text/html")) {
        const html = /^<!DOCTYPE html>/i.test(body) && status >= 500;
        return { valid: html, source: "html", errors: html ? [] : ["not an HTML error page"] };
      }
      const response = responseOf(operationId, status);
      // A described status without a body (204) must have none; an error status
      // described without a body (git/delete-ref's 422) falls back to basic-error.
      if (response !== undefined && response.content === undefined && status < 400) {
        const empty = body === "";
        return { valid: empty, source: "no-content", errors: empty ? [] : ["expected no body"] };
      }
      const described = response?.content?.["application/json"]?.schema;
      const source: SchemaSource = described ? "operation" : "basic-error";
      if (!described && status < 400) {
        return {
          valid: false,
          source,
          errors: [`status ${status} is not described for ${operationId}`],
        };
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch (error) {
        return { valid: false, source, errors: [`body is not JSON: ${String(error)}`] };
      }
      if (!contentType.startsWith("application/json")) {
        return { valid: false, source, errors: [`content-type ${contentType} is not JSON`] };
      }
      const validate = described
        ? compile(`${operationId} ${status}`, described)
        : compile("basic-error", { $ref: "#/components/schemas/basic-error" });
      const valid = validate(parsed) === true;
      return {
        valid,
        source,
        errors: valid
          ? []
          : (validate.errors ?? []).map(
              (error) => `${error.instancePath || "(body)"} ${error.message ?? ""}`,
            ),
      };
    },
  };
  return cached;
}
