import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import {
  createFirstMatchRules,
  type FirstMatchRules,
  type SelectedRule,
} from "../../rules/first-match-rules.js";
import type { Random } from "../../seed/random.js";
import type { FsFault } from "./fs-fault.js";
import { type FsCall, type FsFaultRule, fsFaultRuleSchema, ruleTargets } from "./fs-fault-rule.js";

/** A rule that fired for a call. */
export type SelectedFsFault = SelectedRule<FsFault>;

/** The ordered fault list: msw-style `use` and `reset`. */
export type FsFaultRules = FirstMatchRules<FsFaultRule, FsCall, FsFault>;

const rulesSchema = z.array(fsFaultRuleSchema);

export function parseFsFaultRules(rules: unknown, what: string): FsFaultRule[] {
  return parseOptions(rulesSchema, rules, what) as FsFaultRule[];
}

export function createFsFaultRules(initial: readonly FsFaultRule[], random: Random): FsFaultRules {
  return createFirstMatchRules<FsFaultRule, FsCall, FsFault>({
    initial,
    parseUse: (rules) => parseFsFaultRules(rules, "use(...rules)"),
    targets: ruleTargets,
    random,
  });
}
