import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import type { Random } from "../../seed/random.js";
import type { GithubFault } from "./github-fault.js";
import {
  type FaultTarget,
  type GithubFaultRule,
  githubFaultRuleSchema,
  ruleTargets,
} from "./github-fault-rule.js";

/** A rule that fired for a request. */
export interface SelectedFault {
  readonly fault: GithubFault;
  /** `rules[2]` (initial list) or `override[0]` (added by `use`). */
  readonly by: string;
}

/** The ordered fault list: msw-style `use` and `reset`. */
export interface GithubFaultRules {
  /** Puts rules in front of the current ones (runtime overrides). */
  use(...rules: GithubFaultRule[]): void;
  /** Back to the initial list, with every count cleared. */
  reset(): void;
  /** Counts the request against every rule that targets it; returns the fault that fires, if any. */
  select(target: FaultTarget): SelectedFault | undefined;
}

interface RuleState {
  readonly rule: GithubFaultRule;
  readonly by: string;
  matched: number;
  fired: number;
}

export function createGithubFaultRules(
  initial: readonly GithubFaultRule[],
  random: Random,
): GithubFaultRules {
  const parsedInitial = parseOptions(z.array(githubFaultRuleSchema), initial, "GitHub fault rules");
  const fresh = (rules: readonly GithubFaultRule[], by: (index: number) => string): RuleState[] =>
    rules.map((rule, index) => ({ rule, by: by(index), matched: 0, fired: 0 }));
  let overrides = 0;
  let states = fresh(parsedInitial, (index) => `rules[${index}]`);
  return {
    use(...rules) {
      const parsed = parseOptions(z.array(githubFaultRuleSchema), rules, "faults.use(...rules)");
      const first = overrides;
      overrides += parsed.length;
      states = [...fresh(parsed, (index) => `override[${first + index}]`), ...states];
    },
    reset() {
      overrides = 0;
      states = fresh(parsedInitial, (index) => `rules[${index}]`);
    },
    select(target) {
      let firing: RuleState | undefined;
      for (const state of states) {
        if (!ruleTargets(state.rule, target)) continue;
        state.matched += 1;
        if (firing) continue;
        const nth = state.rule.nth ?? 1;
        const times = state.rule.times ?? (state.rule.nth === undefined ? Infinity : 1);
        if (state.matched < nth || state.fired >= times) continue;
        // Drawn only for a rule that got this far, so the draws follow the requests.
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
