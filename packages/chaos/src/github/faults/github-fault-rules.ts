import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import {
  createFirstMatchRules,
  type FirstMatchRules,
  type SelectedRule,
} from "../../rules/first-match-rules.js";
import type { Random } from "../../seed/random.js";
import type { GithubFault } from "./github-fault.js";
import {
  type FaultTarget,
  type GithubFaultRule,
  githubFaultRuleSchema,
  ruleTargets,
} from "./github-fault-rule.js";

/** A rule that fired for a request. */
export type SelectedFault = SelectedRule<GithubFault>;

/** The ordered fault list: msw-style `use` and `reset`. */
export type GithubFaultRules = FirstMatchRules<GithubFaultRule, FaultTarget, GithubFault>;

const rulesSchema = z.array(githubFaultRuleSchema);

export function createGithubFaultRules(
  initial: readonly GithubFaultRule[],
  random: Random,
): GithubFaultRules {
  return createFirstMatchRules<GithubFaultRule, FaultTarget, GithubFault>({
    initial: parseOptions(rulesSchema, initial, "GitHub fault rules"),
    parseUse: (rules) => parseOptions(rulesSchema, rules, "faults.use(...rules)"),
    targets: ruleTargets,
    random,
  });
}
