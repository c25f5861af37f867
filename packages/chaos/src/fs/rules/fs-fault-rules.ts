import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import type { Random } from "../../seed/random.js";
import type { FsFault } from "./fs-fault.js";
import { type FsCall, type FsFaultRule, fsFaultRuleSchema, ruleTargets } from "./fs-fault-rule.js";

/** A rule that fired for a call. */
export interface SelectedFsFault {
  readonly fault: FsFault;
  /** `rules[2]` (initial list) or `override[0]` (added by `use`). */
  readonly by: string;
}

/** The ordered fault list: msw-style `use` and `reset`. */
export interface FsFaultRules {
  use(...rules: FsFaultRule[]): void;
  reset(): void;
  /** Counts the call against every rule that targets it; returns the fault that fires, if any. */
  select(call: FsCall): SelectedFsFault | undefined;
}

interface RuleState {
  readonly rule: FsFaultRule;
  readonly by: string;
  matched: number;
  fired: number;
}

const rulesSchema = z.array(fsFaultRuleSchema);

export function parseFsFaultRules(rules: unknown, what: string): FsFaultRule[] {
  return parseOptions(rulesSchema, rules, what) as FsFaultRule[];
}

export function createFsFaultRules(initial: readonly FsFaultRule[], random: Random): FsFaultRules {
  const fresh = (rules: readonly FsFaultRule[], by: (index: number) => string): RuleState[] =>
    rules.map((rule, index) => ({ rule, by: by(index), matched: 0, fired: 0 }));
  let overrides = 0;
  let states = fresh(initial, (index) => `rules[${index}]`);
  return {
    use(...rules) {
      const parsed = parseFsFaultRules(rules, "use(...rules)");
      const first = overrides;
      overrides += parsed.length;
      states = [...fresh(parsed, (index) => `override[${first + index}]`), ...states];
    },
    reset() {
      overrides = 0;
      states = fresh(initial, (index) => `rules[${index}]`);
    },
    select(call) {
      let firing: RuleState | undefined;
      for (const state of states) {
        if (!ruleTargets(state.rule, call)) continue;
        state.matched += 1;
        if (firing) continue;
        const nth = state.rule.nth ?? 1;
        const times = state.rule.times ?? (state.rule.nth === undefined ? Infinity : 1);
        if (state.matched < nth || state.fired >= times) continue;
        // Drawn only for a rule that got this far, so the draws follow the calls.
        if (state.rule.probability !== undefined && !(random.next() < state.rule.probability)) {
          continue;
        }
        firing = state;
      }
      if (!firing) return undefined;
      firing.fired += 1;
      return { fault: firing.rule.fault, by: firing.by };
    },
  };
}
