import { z } from "zod";
import { type GithubFault, githubFaultSchema } from "./github-fault.js";

/**
 * One rule of the simulator's fault list. For each request, every rule whose
 * filters hold counts it; the first rule whose `nth`, `times` and
 * `probability` also hold fires (first match wins), so at most one fault
 * hits a request.
 */
export interface GithubFaultRule {
  fault: GithubFault;
  /** Endpoint name (`issues.create`, `git.getRef` …) or a pattern over names. */
  endpoint?: string | RegExp;
  /** HTTP method (`GET`, `POST`, `PATCH`, `DELETE`). */
  method?: string;
  /** The request path: a pattern, or a string where `*` matches anything (`/repos/o/r/issues*`). */
  path?: string | RegExp;
  /** Fire from the n-th matching request on (1-based; default 1). */
  nth?: number;
  /** Fire at most this many times (default: once when `nth` is set, else without limit). */
  times?: number;
  /** Only while `from <= clock.now() < until` (epoch ms on the injected clock). */
  from?: number;
  until?: number;
  /** Fire with this probability per eligible request, drawn from the simulator's seeded stream. */
  probability?: number;
}

const pattern = (what: string) =>
  z.union([z.string().min(1, `must be a non-empty ${what}`), z.instanceof(RegExp)], {
    error: `must be a non-empty ${what} or a RegExp`,
  });

export const githubFaultRuleSchema = z
  .strictObject({
    fault: githubFaultSchema,
    endpoint: pattern("endpoint name").optional(),
    method: z
      .enum(["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"], {
        error: "must be GET, POST, PATCH, PUT, DELETE or HEAD",
      })
      .optional(),
    path: pattern("path pattern").optional(),
    nth: z
      .number()
      .int()
      .positive("must be a positive integer (1 is the first request)")
      .optional(),
    times: z.number().int().positive("must be a positive integer").optional(),
    from: z.number({ error: "must be epoch ms" }).optional(),
    until: z.number({ error: "must be epoch ms" }).optional(),
    probability: z.number().min(0, "must be >= 0").max(1, "must be <= 1").optional(),
  })
  .refine((rule) => rule.from === undefined || rule.until === undefined || rule.from < rule.until, {
    message: "must be later than from",
    path: ["until"],
  });

/** What a rule is matched against. */
export interface FaultTarget {
  readonly endpoint: string;
  readonly method: string;
  readonly path: string;
  readonly now: number;
}

const matchesPattern = (pattern: string | RegExp, value: string, glob: boolean) => {
  if (typeof pattern === "string") {
    if (!glob || !pattern.includes("*")) return pattern === value;
    const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
    return new RegExp(`^${escaped}$`).test(value);
  }
  // A global or sticky RegExp keeps state between calls; start it afresh.
  pattern.lastIndex = 0;
  return pattern.test(value);
};

/** Whether the rule's filters (not its count or probability) hold for this request. */
export function ruleTargets(rule: GithubFaultRule, target: FaultTarget): boolean {
  if (rule.endpoint !== undefined && !matchesPattern(rule.endpoint, target.endpoint, false)) {
    return false;
  }
  if (rule.method !== undefined && rule.method !== target.method) return false;
  if (rule.path !== undefined && !matchesPattern(rule.path, target.path, true)) return false;
  if (rule.from !== undefined && target.now < rule.from) return false;
  if (rule.until !== undefined && target.now >= rule.until) return false;
  return true;
}
