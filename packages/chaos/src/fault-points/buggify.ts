import { z } from "zod";
import type { Clock } from "../clock/clock.js";
import type { FaultJournal } from "../journal/fault-journal.js";
import { parseOptions } from "../options/parse-options.js";
import type { Random } from "../seed/random.js";
import { type FaultAction, faultActionSchema, isDelay } from "./fault-action.js";
import type { FaultPointContext, FaultPointHits, FaultPoints } from "./fault-points.js";
import { injectFault } from "./inject-fault.js";
import { clockOption, journalOption, randomOption } from "./option-schemas.js";

export interface BuggifyOptions {
  /** Draws activations and firings; give it its own stream (`seed.stream("buggify")`). */
  random: Random;
  /** Every firing is recorded here (layer `engine`, fault = action, target = point). */
  journal: FaultJournal;
  /** Chance that a point is active for this run, decided at its first hit. Default 0.25. */
  activateProbability?: number;
  /** Chance that an active point fires, per hit. Default 0.25. */
  fireProbability?: number;
  /** What a firing does. Default `"throw"`. */
  action?: FaultAction;
  /** What `{ delayMs }` sleeps on; required when the action is a delay. */
  clock?: Clock;
}

/** BUGGIFY fault points: a random subset of points is active per run. */
export interface Buggify extends FaultPoints {
  /** How often each point was reached, in first-hit order. */
  hits(): FaultPointHits;
  /** The points activated for this run so far, in first-hit order. */
  activated(): string[];
}

const probability = (field: string) =>
  z
    .number({ error: `must be a number between 0 and 1 (the ${field})` })
    .min(0, "must be >= 0")
    .max(1, "must be <= 1");

const optionsSchema = z.strictObject({
  random: randomOption,
  journal: journalOption,
  activateProbability: probability("chance a point is active in a run").default(0.25),
  fireProbability: probability("chance an active point fires per hit").default(0.25),
  action: faultActionSchema.default("throw"),
  clock: clockOption.optional(),
});

/**
 * FoundationDB's BUGGIFY: each point is activated or not once per run (the
 * decision is drawn at its first hit and cached) and an active point fires
 * with `fireProbability` on every hit. Most points stay quiet in a given run,
 * so runs explore different combinations, and a seed replays its own exactly.
 */
export function createBuggify(options: BuggifyOptions): Buggify {
  const { random, journal, activateProbability, fireProbability, action, clock } = parseOptions(
    optionsSchema,
    options,
    "createBuggify options",
  );
  if (isDelay(action) && !clock) {
    throw new TypeError(
      "Invalid createBuggify options: action: a delay needs a clock. Please pass options.clock (the run's virtual clock).",
    );
  }
  const hits = new Map<string, number>();
  const active = new Map<string, boolean>();

  return {
    async hit(point: string, context?: FaultPointContext) {
      if (typeof point !== "string" || point === "") {
        throw new TypeError("hit(point) needs a fault point name, such as state.journal.synced.");
      }
      const hit = (hits.get(point) ?? 0) + 1;
      hits.set(point, hit);
      let isActive = active.get(point);
      if (isActive === undefined) {
        isActive = random.next() < activateProbability;
        active.set(point, isActive);
      }
      if (!isActive || !(random.next() < fireProbability)) return;
      await injectFault(action, { point, context, by: "buggify", hit }, journal, clock);
    },
    hits: () => Object.fromEntries(hits),
    activated: () => [...active].filter(([, isActive]) => isActive).map(([point]) => point),
  };
}
