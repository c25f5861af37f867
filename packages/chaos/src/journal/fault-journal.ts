import { z } from "zod";
import { type Clock, isoTime } from "../clock/clock.js";
import { parseOptions } from "../options/parse-options.js";
import { FAULT_LAYERS, type FaultLayer } from "./fault-layer.js";
import { isJsonObject, type JsonObject } from "./json-value.js";

/** What an injector reports when it injects a fault. */
export interface FaultRecord {
  layer: FaultLayer;
  /** The kind of fault: `"throw"`, `"ENOSPC"`, `"reset_peer"`, `"rate-limit.secondary"` … */
  fault: string;
  /** What it hit: a fault point, a path, a URL, a ref … */
  target: string;
  /** What came of it, when the injector knows: `"thrown"`, `"delayed"` … */
  outcome?: string;
  /** Anything else that explains the fault; JSON only, so the journal replays as text. */
  detail?: JsonObject;
}

/** One injected fault, as journaled. */
export interface FaultEntry {
  /** 1, 2, 3 … in injection order. */
  readonly seq: number;
  /** Virtual time of the injection, ISO-8601 UTC. */
  readonly at: string;
  readonly layer: FaultLayer;
  readonly fault: string;
  readonly target: string;
  readonly outcome?: string;
  readonly detail?: JsonObject;
}

/**
 * Everything a run injected, in order, so the run can be explained, checked
 * ("each declared fault actually fired") and compared across replays.
 */
export interface FaultJournal {
  record(fault: FaultRecord): FaultEntry;
  /** A copy of the entries, oldest first. */
  entries(): FaultEntry[];
  /** One JSON object per line, each line ending in `\n`; `""` when empty. */
  toNdjson(): string;
  /** How many faults fired, optionally only of one layer and fault kind. */
  fired(layer?: FaultLayer, fault?: string): number;
  /**
   * Calls `listener` synchronously with each new entry (e.g. to write it out
   * before a SIGKILL loses the process). Returns the disposer. Listeners
   * observe; an error thrown by one propagates out of `record`.
   */
  subscribe(listener: (entry: FaultEntry) => void): () => void;
}

const faultRecordSchema = z.strictObject({
  layer: z.enum(FAULT_LAYERS as [FaultLayer, ...FaultLayer[]]),
  fault: z.string().min(1, "must be a non-empty string"),
  target: z.string().min(1, "must be a non-empty string"),
  outcome: z.string().min(1, "must be a non-empty string").optional(),
  detail: z
    .custom<JsonObject>((value) => isJsonObject(value), {
      error:
        "must be a plain object of JSON values (strings, finite numbers, booleans, null, arrays, objects)",
    })
    .optional(),
});

export function createFaultJournal(clock: Pick<Clock, "now">): FaultJournal {
  if (typeof clock?.now !== "function") {
    throw new TypeError(
      "createFaultJournal(clock) needs a clock with now(), such as the virtual clock.",
    );
  }
  const entries: FaultEntry[] = [];
  const listeners = new Set<(entry: FaultEntry) => void>();

  return {
    record(fault) {
      const parsed = parseOptions(faultRecordSchema, fault, "fault record");
      // Fixed key order, so two runs' journals compare as text.
      const entry: FaultEntry = Object.freeze({
        seq: entries.length + 1,
        at: isoTime(clock),
        layer: parsed.layer,
        fault: parsed.fault,
        target: parsed.target,
        ...(parsed.outcome === undefined ? {} : { outcome: parsed.outcome }),
        ...(parsed.detail === undefined ? {} : { detail: structuredClone(parsed.detail) }),
      });
      entries.push(entry);
      for (const listener of [...listeners]) listener(entry);
      return entry;
    },
    entries: () => [...entries],
    toNdjson: () => entries.map((entry) => `${JSON.stringify(entry)}\n`).join(""),
    fired: (layer, fault) =>
      entries.filter(
        (entry) =>
          (layer === undefined || entry.layer === layer) &&
          (fault === undefined || entry.fault === fault),
      ).length,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
