/**
 * JSON with object keys sorted and no whitespace: one text per value, so a
 * hash over it is the same whoever wrote it and in whatever key order.
 * Follows `JSON.stringify` for `toJSON`, `undefined` members and array
 * holes, and refuses what JSON cannot hold faithfully (NaN, ±Infinity,
 * bigint, cycles) instead of silently changing it.
 */
export function canonicalJson(value: unknown): string {
  const text = encode(value, new Set(), "$");
  if (text === undefined) {
    throw new TypeError(
      "canonicalJson: the value at $ is not JSON (undefined, a function or a symbol)",
    );
  }
  return text;
}

function encode(input: unknown, ancestors: Set<object>, path: string): string | undefined {
  let value = input;
  if (typeof value === "object" && value !== null && hasToJson(value)) value = value.toJSON();
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: ${path} is ${value}, which JSON cannot hold`);
      }
      return JSON.stringify(value);
    case "bigint":
      throw new TypeError(`canonicalJson: ${path} is a bigint, which JSON cannot hold`);
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError(`canonicalJson: ${path} is a cycle`);
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      const items: string[] = [];
      for (let i = 0; i < object.length; i++) {
        items.push(encode(object[i], ancestors, `${path}[${i}]`) ?? "null");
      }
      return `[${items.join(",")}]`;
    }
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const text = encode(record[key], ancestors, `${path}.${key}`);
      if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(",")}}`;
  } finally {
    ancestors.delete(object);
  }
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === "function";
}
