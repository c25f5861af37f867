import { type EndpointResult, errorResult } from "./endpoint-result.js";

/**
 * GitHub's schema check on a request body: 422 `Invalid request.` naming the
 * first missing or mistyped field, as the REST API words it.
 */
export function checkFields(
  body: Readonly<Record<string, unknown>>,
  documentationUrl: string,
  fields: Readonly<Record<string, { required?: boolean; types: readonly FieldType[] }>>,
): EndpointResult | undefined {
  for (const [name, spec] of Object.entries(fields)) {
    const value = body[name];
    if (value === undefined) {
      if (spec.required) {
        return errorResult(422, `Invalid request.\n\n"${name}" wasn't supplied.`, documentationUrl);
      }
      continue;
    }
    if (!spec.types.some((type) => isType(value, type))) {
      return errorResult(
        422,
        `Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(value)} is not ${describe(spec.types)}.`,
        documentationUrl,
      );
    }
  }
  return undefined;
}

export type FieldType = "string" | "integer" | "boolean" | "null" | "array" | "object";

function isType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
  }
}

function describe(types: readonly FieldType[]): string {
  const names = types.map((type) =>
    type === "integer" || type === "array" || type === "object"
      ? `an ${type}`
      : type === "null"
        ? "null"
        : `a ${type}`,
  );
  return names.length === 1
    ? (names[0] as string)
    : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}
