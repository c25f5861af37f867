import { z } from "zod";
import type { Clock } from "../clock/clock.js";
import type { FaultJournal } from "../journal/fault-journal.js";
import { parseOptions } from "../options/parse-options.js";
import type { Random } from "../seed/random.js";
import { isDelay } from "./fault-action.js";
import type { FaultPointContext, FaultPointHits, FaultPoints } from "./fault-points.js";
import { type FaultRule, faultRuleSchema, ruleMatches } from "./fault-rule.js";
import { injectFault } from "./inject-fault.js";
import { clockOption, journalOption, randomOption } from "./option-schemas.js";

export interface SeededFaultPointsOptions {
  /** Draws for `probability` rules; give it its own stream (`seed.stream("fault-points")`). */
  random: Random;
  /** Every firing is recorded here (layer `engine`, fault = action, target = point). */
  journal: FaultJournal;
  /** The ordered rules; first match wins. */
  plan: readonly FaultRule[];
  /** What `{ delayMs }` actions sleep on; required when the plan has one. */
  clock?: Clock;
}

/** Fault points driven by a plan of ordered rules. */
export interface SeededFaultPoints extends FaultPoints {
  /** How often each point was reached, in first-hit order. */
  hits(): FaultPointHits;
  /** Puts rules in front of the current ones (runtime overrides, as msw's `use`). */
  use(...rules: FaultRule[]): void;
  /** Back to the initial plan, with every rule's hit count and `once` state cleared. */
  reset(): void;
}

interface RuleState {
  readonly rule: FaultRule;
  readonly by: string;
  matched: number;
  spent: boolean;
}

const optionsSchema = z.strictObject({
  random: randomOption,
  journal: journalOption,
  plan: z.array(faultRuleSchema),
  clock: clockOption.optional(),
});

/**
 * For each hit, every rule about this point and phase counts it (so `nth`
 * means "the n-th time this point is reached", whatever other rules did);
 * then the rules are tried in order and the first whose `nth` and
 * `probability` hold fires. Probability is drawn only for a rule that got
 * that far, so the draws, and so the journal, are a function of the seed and
 * the order of hits.
 */
export function createSeededFaultPoints(options: SeededFaultPointsOptions): SeededFaultPoints {
  const { random, journal, plan, clock } = parseOptions(
    optionsSchema,
    options,
    "createSeededFaultPoints options",
  );
  const checkClock = (rules: readonly FaultRule[], field: string) => {
    const index = rules.findIndex((rule) => isDelay(rule.action));
    if (index >= 0 && !clock) {
      throw new TypeError(
        `Invalid createSeededFaultPoints options: ${field}[${index}].action: a delay needs a clock. Please pass options.clock (the run's virtual clock).`,
      );
    }
  };
  checkClock(plan, "plan");

  const initial = plan.map((rule, index) => ({ ...rule, by: `plan[${index}]` }));
  let overrides = 0;
  const fresh = (rules: readonly (FaultRule & { by: string })[]): RuleState[] =>
    rules.map(({ by, ...rule }) => ({ rule, by, matched: 0, spent: false }));
  let rules = fresh(initial);
  const hits = new Map<string, number>();

  return {
    async hit(point: string, context?: FaultPointContext) {
      if (typeof point !== "string" || point === "") {
        throw new TypeError("hit(point) needs a fault point name, such as state.journal.synced.");
      }
      const hit = (hits.get(point) ?? 0) + 1;
      hits.set(point, hit);

      let firing: RuleState | undefined;
      for (const state of rules) {
        if (state.spent || !ruleMatches(state.rule, point, context?.phase)) continue;
        state.matched += 1;
        if (firing) continue;
        if (state.rule.nth !== undefined && state.matched !== state.rule.nth) continue;
        if (state.rule.probability !== undefined && !(random.next() < state.rule.probability)) {
          continue;
        }
        firing = state;
      }
      if (!firing) return;
      if (firing.rule.once) firing.spent = true;
      await injectFault(firing.rule.action, { point, context, by: firing.by, hit }, journal, clock);
    },
    hits: () => Object.fromEntries(hits),
    use(...added) {
      const parsed = parseOptions(z.array(faultRuleSchema), added, "use(...rules)");
      checkClock(parsed, "rules");
      rules = [
        ...fresh(parsed.map((rule) => ({ ...rule, by: `override[${overrides++}]` }))),
        ...rules,
      ];
    },
    reset() {
      overrides = 0;
      rules = fresh(initial);
    },
  };
}
