import { z } from "zod";

/** GitHub refuses longer issue and pull request titles. */
export const MAX_TITLE_LENGTH = 256;
/** GitHub refuses longer issue and pull request bodies. */
export const MAX_BODY_LENGTH = 65_536;

/** Tab, line feed and carriage return: the only controls a body may hold. */
const BODY_ALLOWED: ReadonlySet<number> = new Set([0x09, 0x0a, 0x0d]);

/** C0 controls, DEL and C1 controls. */
function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/** Where the first control character not in `allowed` is, as `U+001B at position 7`; "" when none. */
export function firstControl(text: string, allowed: ReadonlySet<number> = new Set()): string {
  let position = 0;
  for (const char of text) {
    position += 1;
    const code = char.codePointAt(0) ?? 0;
    if (isControl(code) && !allowed.has(code)) {
      return `U+${code.toString(16).toUpperCase().padStart(4, "0")} at position ${position}`;
    }
  }
  return "";
}

/** Branch names as a person types them; git's own check-ref-format runs before use. */
const baseBranch = z
  .string()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/,
    "must be a branch name (letters, digits, '.', '_', '/', '-'; not starting with '-')",
  )
  .refine((name) => !name.includes("..") && !name.endsWith("/") && !name.endsWith(".lock"), {
    message: "must be a branch name git accepts (no '..', no trailing '/' or '.lock')",
  });

export const devRunInputSchema = z.strictObject({
  title: z
    .string()
    .refine((title) => title.trim() !== "", { message: "must not be empty" })
    .refine((title) => title.length <= MAX_TITLE_LENGTH, {
      message: `must be at most ${MAX_TITLE_LENGTH} characters (GitHub's limit)`,
    })
    .superRefine((title, ctx) => {
      const where = firstControl(title);
      if (where !== "")
        ctx.addIssue({
          code: "custom",
          message: `must not contain control characters (found ${where})`,
        });
    }),
  body: z
    .string()
    .refine((body) => body.length <= MAX_BODY_LENGTH, {
      message: `must be at most ${MAX_BODY_LENGTH} characters (GitHub's limit)`,
    })
    .superRefine((body, ctx) => {
      const where = firstControl(body, BODY_ALLOWED);
      if (where !== "") {
        ctx.addIssue({
          code: "custom",
          message: `must not contain control characters other than tab and line breaks (found ${where})`,
        });
      }
    }),
  /** `owner/name` on GitHub. */
  repo: z
    .string()
    .regex(
      /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/,
      "must be OWNER/NAME as GitHub spells it",
    )
    .refine((slug) => !slug.endsWith("/.") && !slug.endsWith("/.."), {
      message: "must be OWNER/NAME as GitHub spells it",
    }),
  base: baseBranch,
  implement: z.strictObject({
    command: z
      .string()
      .refine((command) => command.trim() !== "", { message: "must not be empty" })
      .refine((command) => !command.includes("\0"), { message: "must not contain NUL" }),
    inactivityMs: z.int().min(1),
    timeoutMs: z.int().min(1),
  }),
});

/**
 * A development run's input, journaled at its start: what to do (title,
 * body) and everything needed to rebuild the same workflow on `resume`
 * (repository, base branch, implement command and its limits).
 */
export type DevRunInput = z.output<typeof devRunInputSchema>;

/** The first problem with an input, as `field: message`, or undefined when it is valid. */
export function devRunInputProblem(input: unknown): { field: string; message: string } | undefined {
  const parsed = devRunInputSchema.safeParse(input);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return {
    field:
      issue === undefined || issue.path.length === 0 ? "input" : issue.path.map(String).join("."),
    message: issue?.message ?? "is invalid",
  };
}

/** Validates a run input where it enters; a TypeError names the bad field. */
export function parseDevRunInput(input: unknown): DevRunInput {
  const parsed = devRunInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problem = devRunInputProblem(input);
  throw new TypeError(`Invalid development run input: ${problem?.field} ${problem?.message}.`);
}
