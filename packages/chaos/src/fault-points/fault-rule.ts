import { z } from "zod";
import { type FaultAction, faultActionSchema } from "./fault-action.js";

/**
 * One rule of a fault plan. A plan is an ordered list: for each hit the rules
 * are tried in order and the first whose conditions all hold fires (msw's
 * "first match wins"); at most one fault fires per hit.
 */
export interface FaultRule {
  /** The point's exact name, or a pattern over names. */
  point: string | RegExp;
  /** Only hits in this phase match. */
  phase?: string;
  /** Fire only on the n-th hit matching `point` and `phase` (1-based). */
  nth?: number;
  /** Fire with this probability per matching hit (default: always). */
  probability?: number;
  action: FaultAction;
  /** Stop matching after the first firing. */
  once?: boolean;
}

export const faultRuleSchema = z.strictObject({
  point: z.union([z.string().min(1, "must be a non-empty point name"), z.instanceof(RegExp)], {
    error: "must be a non-empty point name or a RegExp",
  }),
  phase: z.string().min(1, "must be a non-empty phase name").optional(),
  nth: z.number().int().positive("must be a positive integer (1 is the first hit)").optional(),
  probability: z.number().min(0, "must be >= 0").max(1, "must be <= 1").optional(),
  action: faultActionSchema,
  once: z.boolean().optional(),
});

/** Whether `rule` is about this point in this phase (ignoring nth, probability, once). */
export function ruleMatches(
  rule: Pick<FaultRule, "point" | "phase">,
  point: string,
  phase: string | undefined,
): boolean {
  if (rule.phase !== undefined && rule.phase !== phase) return false;
  if (typeof rule.point === "string") return rule.point === point;
  // A global or sticky RegExp keeps state between tests; start it afresh.
  rule.point.lastIndex = 0;
  return rule.point.test(point);
}
