import type { z } from "zod";

/**
 * Validates options where they enter. Bad configuration is a programmer
 * error, refused at once with a `TypeError` (never retried) whose message
 * names every bad field.
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join(".") : "(options)";
      return `\`${field}\`: ${issue.message}`;
    })
    .join("; ");
  throw new TypeError(`Invalid ${what}: ${problems}.`);
}
