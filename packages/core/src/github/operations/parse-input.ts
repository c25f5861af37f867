import { z } from "zod";
import type { FaultPoints } from "../../ports/index.js";

/** Validates an operation's input where it enters; the TypeError names the bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `\`${issue.path.join(".") || "(input)"}\` ${issue.message}`)
    .join("; ");
  throw new TypeError(`Invalid ${what} input: ${problems}.`);
}

/** An issue or pull request number: an integer from 1. */
export function parseIssueNumber(value: unknown, field: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
  throw new TypeError(`Invalid input: \`${field}\` must be an integer >= 1, got ${String(value)}.`);
}

/** FaultPoints passed in an operation's input. */
export const faultPointsSchema = z.custom<FaultPoints>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { hit?: unknown }).hit === "function",
  "must be FaultPoints (an object with `hit`)",
);
