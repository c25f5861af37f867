import { redactSecrets } from "../errors/index.js";

const REDACTED = "[REDACTED]";

/**
 * A function that removes `token` (the literal value, wherever it appears)
 * and every credential shape `redactSecrets` knows from text. The literal
 * pass matters: a fine-grained or enterprise token need not look like
 * `ghp_…`, so pattern matching alone could miss it.
 */
export function createTokenRedactor(token: string | undefined): (text: string) => string {
  const secret = token?.trim() ?? "";
  return (text) => redactSecrets(secret === "" ? text : text.split(secret).join(REDACTED));
}
