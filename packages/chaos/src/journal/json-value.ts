/** A value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type JsonObject = { readonly [key: string]: JsonValue };

/** Whether `value` is JSON data: finite numbers, plain objects and arrays, no cycles. */
export function isJsonValue(value: unknown, seen: Set<object> = new Set()): value is JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value))
    return within(value, seen, () => value.every((item) => isJsonValue(item, seen)));
  return isJsonObject(value, seen);
}

export function isJsonObject(value: unknown, seen: Set<object> = new Set()): value is JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return within(value, seen, () => Object.values(value).every((item) => isJsonValue(item, seen)));
}

// A container met again while inside itself is a cycle, which JSON cannot hold.
function within(container: object, seen: Set<object>, check: () => boolean): boolean {
  if (seen.has(container)) return false;
  seen.add(container);
  const result = check();
  seen.delete(container);
  return result;
}
