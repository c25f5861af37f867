import type { Toxic } from "../toxics/toxic.js";
import { toxicFor } from "../toxics/toxic-registry.js";
import { API_ERRORS, ApiError } from "./api-error.js";
import { float32Json, GoDecodeError, goField, goValue, jsonTypeName } from "./go-json.js";

export type StreamName = "upstream" | "downstream";

/**
 * Extension: a toxic that starts `startAfter` ms after it is created and/or
 * is removed `removeAfter` ms after it is created (0 = no such bound). Given
 * as the attributes `start_after` / `remove_after`, which Toxiproxy itself
 * ignores.
 */
export interface ToxicWindow {
  readonly startAfter: number;
  readonly removeAfter: number;
}

/** One toxic of a proxy: Toxiproxy's `ToxicWrapper`. Updates replace `attributes` and `toxicity`. */
export interface ToxicWrapper {
  readonly name: string;
  readonly type: string;
  /** As the client spelt it (Toxiproxy echoes `"UpStream"` back). */
  readonly stream: string;
  readonly direction: StreamName;
  /** A float32, as in Toxiproxy. */
  toxicity: number;
  attributes: Readonly<Record<string, number>>;
  readonly toxic: Toxic;
  readonly window: ToxicWindow | undefined;
}

/** The JSON Toxiproxy writes for a toxic, in its field order. */
export interface ToxicJson {
  attributes: Record<string, number>;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

export const WINDOW_ATTRIBUTES = ["start_after", "remove_after"] as const;

// Go's struct names and integer kinds, for decode errors that read like Toxiproxy's.
const GO_STRUCTS: Record<string, { struct: string; kind: "int64" | "int" }> = {
  latency: { struct: "LatencyToxic", kind: "int64" },
  bandwidth: { struct: "BandwidthToxic", kind: "int64" },
  slow_close: { struct: "SlowCloseToxic", kind: "int64" },
  timeout: { struct: "TimeoutToxic", kind: "int64" },
  reset_peer: { struct: "ResetToxic", kind: "int64" },
  slicer: { struct: "SlicerToxic", kind: "int" },
  limit_data: { struct: "LimitDataToxic", kind: "int64" },
  noop: { struct: "NoopToxic", kind: "int64" },
};

export function toxicJson(wrapper: ToxicWrapper): ToxicJson {
  const attributes: Record<string, number> = {};
  for (const name of wrapper.toxic.attributes) attributes[name] = wrapper.attributes[name] ?? 0;
  if (wrapper.window?.startAfter) attributes.start_after = wrapper.window.startAfter;
  if (wrapper.window?.removeAfter) attributes.remove_after = wrapper.window.removeAfter;
  return {
    attributes,
    name: wrapper.name,
    type: wrapper.type,
    stream: wrapper.stream,
    toxicity: float32Json(wrapper.toxicity),
  };
}

/**
 * Builds a toxic from a create body, checking in Toxiproxy's order: the
 * body, the stream, the default name `<type>_<stream>`, the type, a
 * duplicate name (`exists`), then the attributes (unknown keys ignored,
 * missing ones 0).
 */
export function parseCreateToxic(body: unknown, exists: (name: string) => boolean): ToxicWrapper {
  const object = asObject(body, "toxics.ToxicWrapper");
  const name = (field(object, "name", "string", "ToxicWrapper.name") as string | undefined) ?? "";
  const type = (field(object, "type", "string", "ToxicWrapper.type") as string | undefined) ?? "";
  const stream =
    (field(object, "stream", "string", "ToxicWrapper.stream") as string | undefined) ??
    "downstream";
  const toxicity =
    (field(object, "toxicity", "float32", "ToxicWrapper.toxicity") as number | undefined) ?? 1;
  const rawAttributes = goField(object, "attributes");
  if (rawAttributes !== undefined && rawAttributes !== null && !isObject(rawAttributes)) {
    throw badBody(
      `json: cannot unmarshal ${jsonTypeName(rawAttributes)} into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic`,
    );
  }
  const direction = stream.toLowerCase();
  if (direction !== "upstream" && direction !== "downstream") throw API_ERRORS.invalidStream;
  const finalName = name === "" ? `${type}_${stream}` : name;
  const toxic = toxicFor(type);
  if (toxic === undefined) throw API_ERRORS.invalidToxicType;
  if (exists(finalName)) throw API_ERRORS.toxicAlreadyExists;
  const attributes = decodeAttributes(type, toxic, rawAttributes, {});
  const window = decodeWindow(type, rawAttributes);
  return {
    name: finalName,
    type,
    stream,
    direction,
    toxicity,
    attributes,
    toxic,
    window,
  };
}

/**
 * Applies an update body (`attributes` and `toxicity` only; other keys are
 * ignored) onto the toxic's current values, as Toxiproxy decodes onto a copy.
 * The window of a windowed toxic is fixed at creation.
 */
export function parseUpdateToxic(
  wrapper: ToxicWrapper,
  body: unknown,
): { attributes: Record<string, number>; toxicity: number } {
  const object = asObject(body, "struct { Attributes interface {}; Toxicity float32 }");
  const rawAttributes = goField(object, "attributes");
  const attributes = decodeAttributes(wrapper.type, wrapper.toxic, rawAttributes, {
    ...wrapper.attributes,
  });
  const toxicity =
    (field(object, "toxicity", "float32", "toxicity") as number | undefined) ?? wrapper.toxicity;
  return { attributes, toxicity };
}

function decodeAttributes(
  type: string,
  toxic: Toxic,
  raw: unknown,
  start: Record<string, number>,
): Record<string, number> {
  const go = GO_STRUCTS[type] ?? { struct: "Toxic", kind: "int64" as const };
  const attributes: Record<string, number> = {};
  for (const name of toxic.attributes) attributes[name] = start[name] ?? 0;
  if (raw === undefined || raw === null) return attributes;
  if (!isObject(raw)) {
    throw badBody(
      `json: cannot unmarshal ${jsonTypeName(raw)} into Go value of type toxics.${go.struct}`,
    );
  }
  for (const name of toxic.attributes) {
    const value = field(raw, name, go.kind, `${go.struct}.${name}`) as number | undefined;
    if (value !== undefined) attributes[name] = value;
  }
  return attributes;
}

function decodeWindow(type: string, raw: unknown): ToxicWindow | undefined {
  if (!isObject(raw)) return undefined;
  const go = GO_STRUCTS[type] ?? { struct: "Toxic" };
  const read = (name: string) => {
    const value = field(raw, name, "int64", `${go.struct}.${name}`) as number | undefined;
    if (value !== undefined && value < 0) {
      throw badBody(`${name} must be a number of milliseconds, 0 or more, got ${value}`);
    }
    return value ?? 0;
  };
  const startAfter = read("start_after");
  const removeAfter = read("remove_after");
  if (removeAfter > 0 && removeAfter <= startAfter) {
    throw badBody(
      `remove_after (${removeAfter} ms) must be later than start_after (${startAfter} ms)`,
    );
  }
  return startAfter > 0 || removeAfter > 0 ? { startAfter, removeAfter } : undefined;
}

function field(
  object: Record<string, unknown>,
  key: string,
  kind: Parameters<typeof goValue>[1],
  goName: string,
): unknown {
  try {
    return goValue(goField(object, key), kind, goName);
  } catch (error) {
    if (error instanceof GoDecodeError) throw badBody(error.message);
    throw error;
  }
}

/** A decoded body as an object; `null` decodes to nothing (all defaults), as in Go. */
export function asObject(body: unknown, goType: string): Record<string, unknown> {
  if (body === null) return {};
  if (!isObject(body)) {
    throw badBody(`json: cannot unmarshal ${jsonTypeName(body)} into Go value of type ${goType}`);
  }
  return body;
}

export function badBody(detail: string): ApiError {
  return ApiError.join(API_ERRORS.badRequestBody, detail);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
