import { redactSecrets } from "../errors/redact-secrets.js";

const REDACTED = "[REDACTED]";

/** The environment variables whose values are GitHub tokens. */
export const TOKEN_VARIABLES = ["GITHUB_TOKEN", "GH_TOKEN"] as const;

/**
 * Removes the literal values of GITHUB_TOKEN and GH_TOKEN, then every
 * credential shape `redactSecrets` knows. The literal pass matters: a
 * fine-grained or enterprise token need not look like `ghp_…`. Values
 * shorter than 4 characters are not tokens and are left alone, or a stray
 * `GH_TOKEN=x` would blank every "x" on the page.
 */
export function secretRedactor(
  env: Readonly<Record<string, string | undefined>>,
): (text: string) => string {
  const secrets = TOKEN_VARIABLES.map((name) => env[name]?.trim() ?? "")
    .filter((value) => value.length >= 4)
    // Longest first, so a token that contains another is removed whole.
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const secret of secrets) result = result.split(secret).join(REDACTED);
    return redactSecrets(result);
  };
}

/** A copy of a JSON value with every string (keys too) passed through `redact`. */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [redact(key), redactDeep(item, redact)]),
    ) as T;
  }
  return value;
}
