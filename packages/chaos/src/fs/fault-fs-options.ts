import { Volume } from "memfs";
import { z } from "zod";
import type { Clock } from "../clock/clock.js";
import { clockOption, journalOption, randomOption } from "../fault-points/option-schemas.js";
import type { FaultJournal } from "../journal/fault-journal.js";
import { parseOptions } from "../options/parse-options.js";
import type { Random } from "../seed/random.js";
import { isLatency } from "./rules/fs-fault.js";
import type { FsFaultRule } from "./rules/fs-fault-rule.js";
import { parseFsFaultRules } from "./rules/fs-fault-rules.js";

export interface FaultFileSystemOptions {
  /** Draws for `probability` rules and seeded crashes; give it its own stream (`seed.stream("fs")`). */
  random: Random;
  /** Every fault fired is recorded here (layer `fs`). */
  journal: FaultJournal;
  /** What latency rules sleep on and what `stat().mtimeMs` reads; required for latency rules. */
  clock?: Clock;
  /** The ordered fault rules; first match wins. Default none. */
  rules?: readonly FsFaultRule[];
  /** Bytes the filesystem holds (file contents; directories are free). Default unlimited. */
  quotaBytes?: number;
  /** Open handles allowed at once; the next `open` fails with EMFILE. Default unlimited. */
  maxOpenFiles?: number;
  /**
   * The memfs volume to work on; its contents at creation are the durable
   * starting state. Change it only through this filesystem afterwards.
   * Default a new, empty volume.
   */
  volume?: Volume;
}

export interface ResolvedFaultFileSystemOptions {
  random: Random;
  journal: FaultJournal;
  clock: Clock | undefined;
  rules: FsFaultRule[];
  quotaBytes: number | undefined;
  maxOpenFiles: number | undefined;
  volume: Volume;
}

const optionsSchema = z.strictObject({
  random: randomOption,
  journal: journalOption,
  clock: clockOption.optional(),
  rules: z.array(z.unknown()).optional(),
  quotaBytes: z.number().int("must be an integer").nonnegative("must be >= 0").optional(),
  maxOpenFiles: z.number().int("must be an integer").positive("must be >= 1").optional(),
  volume: z.instanceof(Volume, { error: "must be a memfs Volume" }).optional(),
});

export function resolveFaultFileSystemOptions(
  options: FaultFileSystemOptions,
): ResolvedFaultFileSystemOptions {
  const parsed = parseOptions(optionsSchema, options, "createFaultFileSystem options");
  const rules = parseFsFaultRules(parsed.rules ?? [], "createFaultFileSystem options.rules");
  assertClockForLatency(rules, parsed.clock, "rules");
  return {
    random: parsed.random,
    journal: parsed.journal,
    clock: parsed.clock,
    rules,
    quotaBytes: parsed.quotaBytes,
    maxOpenFiles: parsed.maxOpenFiles,
    volume: parsed.volume ?? new Volume(),
  };
}

/** Latency is virtual time: a latency rule without a clock would have nothing to sleep on. */
export function assertClockForLatency(
  rules: readonly FsFaultRule[],
  clock: Clock | undefined,
  field: string,
): void {
  const index = rules.findIndex((rule) => isLatency(rule.fault));
  if (index >= 0 && clock === undefined) {
    throw new TypeError(
      `Invalid createFaultFileSystem options: ${field}[${index}].fault: latency needs a clock. Please pass options.clock (the run's virtual clock).`,
    );
  }
}
