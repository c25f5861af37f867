/**
 * Toxiproxy is Go: its API decodes bodies with `encoding/json` and writes
 * them with `json.Marshal`. These helpers reproduce what clients can see of
 * that — key matching that ignores case, `null` leaving a field as it was,
 * the error texts for the common mistakes, HTML-safe escaping, float32
 * numbers — so our answers read like Toxiproxy's.
 */

/** A body Go's decoder would refuse; `message` is the text after `bad request body: `. */
export class GoDecodeError extends Error {
  override readonly name = "GoDecodeError";
}

export type GoKind = "string" | "bool" | "int64" | "int" | "float32";

/** Decodes the first JSON value of `text` as Go's `json.Decoder.Decode` does, or throws GoDecodeError. */
export function decodeFirstValue(text: string): unknown {
  const start = skipSpace(text, 0);
  if (start >= text.length) throw new GoDecodeError("EOF");
  const end = valueEnd(text, start);
  if (end === undefined) throw new GoDecodeError("unexpected EOF");
  try {
    return JSON.parse(text.slice(start, end));
  } catch (error) {
    throw new GoDecodeError(syntaxMessage(text.slice(start, end), error));
  }
}

/** Go's name for the JSON type of `value`, as in "cannot unmarshal array into …". */
export function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

/** The value of `key` in a decoded object, matched as Go does: exactly, else ignoring case. */
export function goField(object: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const lower = key.toLowerCase();
  let found: unknown;
  for (const candidate of Object.keys(object)) {
    if (candidate.toLowerCase() === lower) found = object[candidate];
  }
  return found;
}

/**
 * Converts a decoded field for a Go field of `kind`: `undefined` when absent
 * or `null` (Go leaves the field as it was), else the value, or throws the
 * error Go reports (`json: cannot unmarshal string into Go struct field
 * Proxy.name of type string`).
 */
export function goValue(value: unknown, kind: GoKind, field: string): unknown {
  if (value === undefined || value === null) return undefined;
  const refuse = (what: string): never => {
    throw new GoDecodeError(
      `json: cannot unmarshal ${what} into Go struct field ${field} of type ${kind}`,
    );
  };
  switch (kind) {
    case "string":
      return typeof value === "string" ? value : refuse(jsonTypeName(value));
    case "bool":
      return typeof value === "boolean" ? value : refuse(jsonTypeName(value));
    case "float32": {
      if (typeof value !== "number") return refuse(jsonTypeName(value));
      const rounded = Math.fround(value);
      return Number.isFinite(rounded) ? rounded : refuse(`number ${String(value)}`);
    }
    case "int64":
    case "int": {
      if (typeof value !== "number") return refuse(jsonTypeName(value));
      return Number.isSafeInteger(value) ? value : refuse(`number ${String(value)}`);
    }
  }
}

/** `json.Marshal`: `<`, `>`, `&`, U+2028 and U+2029 escaped, no trailing newline. */
export function goMarshal(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A float32 as Go prints it: the shortest decimal that reads back as the same float32. */
export function float32Json(value: number): number {
  const single = Math.fround(value);
  if (!Number.isFinite(single) || Number.isInteger(single)) return single;
  for (let digits = 1; digits <= 9; digits += 1) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}

function skipSpace(text: string, from: number): number {
  let index = from;
  while (index < text.length && " \t\r\n".includes(text[index] as string)) index += 1;
  return index;
}

// Where the first JSON value starting at `start` ends; undefined when the text ends inside it.
function valueEnd(text: string, start: number): number | undefined {
  const first = text[start];
  if (first !== "{" && first !== "[" && first !== '"') {
    let index = start;
    while (index < text.length && !" \t\r\n,]}{[".includes(text[index] as string)) index += 1;
    return index === start ? start + 1 : index;
  }
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === "\\") index += 1;
      else if (character === '"') {
        inString = false;
        if (depth === 0) return index + 1;
      }
    } else if (character === '"') inString = true;
    else if (character === "{" || character === "[") depth += 1;
    else if (character === "}" || character === "]") {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return undefined;
}

function syntaxMessage(value: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/end of JSON input/.test(message)) return "unexpected EOF";
  const position = /position (\d+)/.exec(message);
  const index = position ? Number(position[1]) : firstBadIndex(value);
  const character = value[index] ?? "";
  if (/Expected property name/.test(message)) {
    return `invalid character '${character}' looking for beginning of object key string`;
  }
  if (/after property value/.test(message)) {
    return `invalid character '${character}' after object key:value pair`;
  }
  if (/after array element/.test(message)) {
    return `invalid character '${character}' after array element`;
  }
  return `invalid character '${character}' looking for beginning of value`;
}

// V8 names the token but not always its position ("Unexpected token 'x', "x" is not valid JSON").
function firstBadIndex(value: string): number {
  const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(value);
  return literal ? literal[0].length : 0;
}
