/** Small readers for `unknown` values; none of them throws on odd input. */

export type UnknownRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is UnknownRecord {
  return (typeof value === "object" || typeof value === "function") && value !== null;
}

export function readString(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === "string" ? field : undefined;
}

export function readNumber(value: unknown, key: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === "number" && Number.isFinite(field) ? field : undefined;
}

/** The names of an object's classes, nearest first (`GitResponseError`, `GitError`, `Error`). */
export function classNames(value: unknown): string[] {
  const names: string[] = [];
  let prototype: unknown = isRecord(value) ? Object.getPrototypeOf(value) : null;
  while (isRecord(prototype) && names.length < 10) {
    const owner = prototype.constructor;
    if (typeof owner === "function" && owner.name !== "") names.push(owner.name);
    prototype = Object.getPrototypeOf(prototype);
  }
  return names;
}

const MAX_CHAIN = 8;

/**
 * The error, then its `cause`s (and an AggregateError's `errors`), nearest
 * first, without cycles. Node and undici put the errno one or two levels down
 * (`TypeError: fetch failed` → `Error: read ECONNRESET`).
 */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < MAX_CHAIN) {
    const next = queue.shift();
    if (chain.includes(next)) continue;
    chain.push(next);
    if (!isRecord(next)) continue;
    if ("cause" in next && next.cause !== undefined) queue.push(next.cause);
    const errors = next.errors;
    if (Array.isArray(errors)) queue.push(...errors.slice(0, MAX_CHAIN));
  }
  return chain;
}

/** Whitespace collapsed to single spaces, cut at `max` characters. */
export function oneLine(text: string, max = 240): string {
  const collapsed = text.replace(/\s+/g, " ").trim();
  return collapsed.length <= max ? collapsed : `${collapsed.slice(0, max - 1)}…`;
}

/** `TypeError: message` for an error, the text for a string, a short form for anything else. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return value === "" ? "an empty string" : value;
  if (value === undefined || value === null) return String(value);
  if (typeof value !== "object" && typeof value !== "function")
    return `${typeof value} ${String(value)}`;
  const name = readString(value, "name") ?? classNames(value)[0] ?? "object";
  const message = readString(value, "message");
  if (message !== undefined) return message === "" ? name : `${name}: ${message}`;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return `${name} ${json}`;
  } catch (error) {
    // A cycle or a throwing toJSON: the class name is all that can be said.
    return `${name} (not serialisable: ${readString(error, "message") ?? "unknown reason"})`;
  }
  return name;
}

const SHELL_SAFE = /^[\w@%+=:,./-]+$/;

/** Quotes a value for a POSIX shell only when it needs it. */
export function shellQuote(value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
