import type { z } from "zod";

/**
 * Validates options where they enter and refuses bad ones with a TypeError
 * whose message names every bad field (`plan[1].nth: …`), so a typo in a
 * scenario fails at construction instead of silently injecting nothing.
 */
export function parseOptions<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  what: string,
): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) =>
    // An unknown key is usually a typo ("probabilty"): name the key itself.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => `${fieldName([...issue.path, key])}: is not a known field`)
      : [`${fieldName(issue.path)}: ${issue.message}`],
  );
  throw new TypeError(`Invalid ${what}: ${problems.join("; ")}. Please fix the fields named.`);
}

function fieldName(path: readonly PropertyKey[]): string {
  const name = path.reduce<string>(
    (joined, key) =>
      typeof key === "number"
        ? `${joined}[${key}]`
        : joined === ""
          ? String(key)
          : `${joined}.${String(key)}`,
    "",
  );
  return name === "" ? "(the value itself)" : name;
}
