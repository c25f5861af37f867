import type { Random } from "../seed/random.js";

/** What every fault rule has, whatever it targets: when it fires and what. */
export interface CountedRule<F> {
  /** Fire from the nth targeted call (default 1). */
  readonly nth?: number | undefined;
  /** How many times it fires (default: once with `nth`, else always). */
  readonly times?: number | undefined;
  /** Chance of firing once due, drawn from the seed. */
  readonly probability?: number | undefined;
  readonly fault: F;
}

/** A rule that fired. */
export interface SelectedRule<F> {
  readonly fault: F;
  /** `rules[2]` (initial list) or `override[0]` (added by `use`). */
  readonly by: string;
}

/** The ordered fault list: msw-style `use` and `reset`, first match wins. */
export interface FirstMatchRules<R, T, F> {
  /** Puts rules in front of the current ones (runtime overrides). */
  use(...rules: R[]): void;
  /** Back to the initial list, with every count cleared. */
  reset(): void;
  /** Counts the target against every rule that targets it; returns the fault that fires, if any. */
  select(target: T): SelectedRule<F> | undefined;
}

export interface FirstMatchRulesOptions<R, T> {
  /** Already validated. */
  initial: readonly R[];
  /** Validates rules given to `use`, naming the bad field. */
  parseUse: (rules: unknown) => R[];
  targets: (rule: R, target: T) => boolean;
  random: Random;
}

interface RuleState<R> {
  readonly rule: R;
  readonly by: string;
  matched: number;
  fired: number;
}

/**
 * The rule list the fault filesystem and the GitHub simulator share. Every
 * rule that targets a call counts it, even after an earlier rule fired, so
 * `nth` means the nth targeted call whatever the other rules did.
 */
export function createFirstMatchRules<R extends CountedRule<F>, T, F = R["fault"]>(
  options: FirstMatchRulesOptions<R, T>,
): FirstMatchRules<R, T, F> {
  const { initial, random, targets } = options;
  const fresh = (rules: readonly R[], by: (index: number) => string): RuleState<R>[] =>
    rules.map((rule, index) => ({ rule, by: by(index), matched: 0, fired: 0 }));
  let overrides = 0;
  let states = fresh(initial, (index) => `rules[${index}]`);
  return {
    use(...rules) {
      const parsed = options.parseUse(rules);
      const first = overrides;
      overrides += parsed.length;
      states = [...fresh(parsed, (index) => `override[${first + index}]`), ...states];
    },
    reset() {
      overrides = 0;
      states = fresh(initial, (index) => `rules[${index}]`);
    },
    select(target) {
      let firing: RuleState<R> | undefined;
      for (const state of states) {
        if (!targets(state.rule, target)) continue;
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
      return { fault: firing.rule.fault as F, by: firing.by };
    },
  };
}
