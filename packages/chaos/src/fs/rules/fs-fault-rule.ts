import { z } from "zod";
import { type FsFault, fsFaultSchema } from "./fs-fault.js";
import { FS_OPERATIONS, type FsOperation } from "./fs-operation.js";

/**
 * One rule of the fault filesystem's ordered list. For each call, every rule
 * whose filters hold counts it; the first rule whose `nth`, `times` and
 * `probability` also hold fires (first match wins), so at most one fault
 * hits a call.
 */
export interface FsFaultRule {
  fault: FsFault;
  /** The call (or calls) it targets; default every call. */
  operation?: FsOperation | readonly FsOperation[];
  /**
   * The path it targets: exact, a pattern where `*` matches any run of
   * characters (`/repo/.workflowmaster/*`), or a RegExp. A rename matches on
   * either path; a handle's calls match on the path it was opened with.
   */
  path?: string | RegExp;
  /** Fire from the n-th matching call on (1-based; default 1). */
  nth?: number;
  /** Fire at most this many times (default: once when `nth` is set, else without limit). */
  times?: number;
  /** Fire with this probability per eligible call, drawn from the filesystem's seeded stream. */
  probability?: number;
}

const operationSchema = z.enum(FS_OPERATIONS as [FsOperation, ...FsOperation[]], {
  error: `must be one of ${FS_OPERATIONS.join(", ")}`,
});

export const fsFaultRuleSchema = z.strictObject({
  fault: fsFaultSchema,
  operation: z.union([operationSchema, z.array(operationSchema).min(1)]).optional(),
  path: z
    .union([z.string().min(1, "must be a non-empty path pattern"), z.instanceof(RegExp)], {
      error: "must be a non-empty path pattern or a RegExp",
    })
    .optional(),
  nth: z.number().int().positive("must be a positive integer (1 is the first call)").optional(),
  times: z.number().int().positive("must be a positive integer").optional(),
  probability: z.number().min(0, "must be >= 0").max(1, "must be <= 1").optional(),
});

/** One call, as rules see it. */
export interface FsCall {
  readonly operation: FsOperation;
  /** One path, or two for a rename. */
  readonly paths: readonly string[];
}

function matchesPath(pattern: string | RegExp, path: string): boolean {
  if (typeof pattern !== "string") {
    // A global or sticky RegExp keeps state between calls; start it afresh.
    pattern.lastIndex = 0;
    return pattern.test(path);
  }
  if (!pattern.includes("*")) return pattern === path;
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`).test(path);
}

/** Whether the rule's filters (not its counts or probability) hold for this call. */
export function ruleTargets(rule: FsFaultRule, call: FsCall): boolean {
  if (rule.operation !== undefined) {
    const operations: readonly FsOperation[] =
      typeof rule.operation === "string" ? [rule.operation] : rule.operation;
    if (!operations.includes(call.operation)) return false;
  }
  if (rule.path !== undefined) {
    const pattern = rule.path;
    if (!call.paths.some((path) => matchesPath(pattern, path))) return false;
  }
  return true;
}
