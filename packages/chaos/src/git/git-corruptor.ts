import { stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { FaultJournal } from "../journal/fault-journal.js";
import { FaultLayer } from "../journal/fault-layer.js";
import type { JsonObject } from "../journal/json-value.js";
import { parseOptions } from "../options/parse-options.js";
import type { Random } from "../seed/random.js";

export interface GitCorruptorOptions {
  /** Chooses among equally valid targets (which object, which file); the first when absent. */
  random?: Random;
  /** Receives one `git` layer entry per applied corruption. */
  journal?: FaultJournal;
}

/** What a corruptor did to the repository. */
export interface GitCorruption {
  readonly corruptor: string;
  /** What was damaged: a path, a ref, a remote branch. */
  readonly target: string;
  /** Whether the damage is really in force. Only `unwritable-objects` can say false (as root). */
  readonly enforced: boolean;
  readonly detail: JsonObject;
  /**
   * Undoes what a temporary directory's removal cannot (a read-only mount,
   * an immutable flag). Safe to call more than once; a no-op for most.
   */
  restore(): Promise<void>;
}

/**
 * Damages a real repository in one well-known way, as a plain value:
 * `{ name, description, apply }`. `apply` works on the working tree at
 * `repoDir` (its `.git` directory, its `origin` remote) and reports what it
 * did, also to the fault journal when given one.
 */
export interface GitCorruptor {
  readonly name: string;
  readonly description: string;
  apply(repoDir: string, options?: GitCorruptorOptions): Promise<GitCorruption>;
}

const optionsSchema = z.strictObject({
  random: z
    .custom<Random>(
      (value) => typeof (value as Random | undefined)?.next === "function",
      "must be a Random with next()",
    )
    .optional(),
  journal: z
    .custom<FaultJournal>(
      (value) => typeof (value as FaultJournal | undefined)?.record === "function",
      "must be a FaultJournal with record()",
    )
    .optional(),
});

const repoDirSchema = z.string().min(1, "must be the path of a working tree");

/** The parts every corruptor's `apply` needs, validated where they enter. */
export interface CorruptorInput {
  readonly repoDir: string;
  readonly gitDir: string;
  readonly random: Random | undefined;
  readonly journal: FaultJournal | undefined;
}

export async function corruptorInput(
  name: string,
  repoDir: unknown,
  options: unknown,
): Promise<CorruptorInput> {
  const dir = parseOptions(repoDirSchema, repoDir, `${name} repoDir`);
  const parsed = parseOptions(optionsSchema, options ?? {}, `${name} options`);
  const gitDir = join(dir, ".git");
  const info = await stat(gitDir).catch((error: NodeJS.ErrnoException) => {
    throw new TypeError(
      `${name}: ${dir} has no .git directory to damage (${error.code ?? error.message}); corruptors work on an ordinary working tree.`,
    );
  });
  if (!info.isDirectory()) {
    throw new TypeError(`${name}: ${gitDir} is not a directory; corruptors need an ordinary .git.`);
  }
  return { repoDir: dir, gitDir, random: parsed.random, journal: parsed.journal };
}

/** One of `items`: drawn from `random`, or the first when there is none. */
export function pick<T>(items: readonly T[], random: Random | undefined, what: string): T {
  if (items.length === 0) throw new Error(`There is no ${what} to choose from.`);
  const index = random === undefined ? 0 : Math.floor(random.next() * items.length);
  const item = items[Math.min(index, items.length - 1)];
  if (item === undefined) throw new Error(`There is no ${what} to choose from.`);
  return item;
}

/** `length` lowercase hex digits from `random` (a fixed pattern without one). */
export function hexFrom(random: Random | undefined, length: number): string {
  let text = "";
  for (let index = 0; index < length; index += 1) {
    const digit = random === undefined ? (index * 7 + 3) % 16 : Math.floor(random.next() * 16);
    text += Math.min(digit, 15).toString(16);
  }
  return text;
}

const nothingToRestore = () => Promise.resolve();

/** Builds the report and journals it. */
export function corruption(
  input: CorruptorInput,
  fields: {
    corruptor: string;
    target: string;
    detail: JsonObject;
    enforced?: boolean;
    restore?: () => Promise<void>;
  },
): GitCorruption {
  const enforced = fields.enforced ?? true;
  input.journal?.record({
    layer: FaultLayer.Git,
    fault: fields.corruptor,
    target: fields.target,
    outcome: enforced ? "applied" : "not-enforced",
    detail: fields.detail,
  });
  return {
    corruptor: fields.corruptor,
    target: fields.target,
    enforced,
    detail: fields.detail,
    restore: fields.restore ?? nothingToRestore,
  };
}
