const REDACTED = "[REDACTED]";

/**
 * Secret shapes that can appear in text WorkflowMaster echoes back (git's
 * stderr, GitHub's messages, request URLs, headers). Ordered: the header rule
 * runs first so the value after `authorization:` is gone before narrower
 * rules look at it.
 */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // `authorization: token ghp_…`, `"authorization":"Bearer …"`: the rest of the value.
  [/\b(authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi, `$1${REDACTED}`],
  // GitHub tokens: classic and OAuth/app/refresh (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained.
  [/\bgh[pousr]_[A-Za-z0-9]{16,}/g, REDACTED],
  [/\bgithub_pat_[A-Za-z0-9_]{16,}/g, REDACTED],
  // `token abc…`, `Bearer abc…`, `Basic dXNlcjp…`: a credential after its scheme word.
  [/\b(token|bearer|basic)(\s+)(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{16,}/gi, `$1$2${REDACTED}`],
  // Credentials in a URL: https://user:secret@host, https://<token>@host.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@'"]*:[^/\s@'"]*@/gi, `$1${REDACTED}@`],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[A-Za-z0-9_-]{20,}@/gi, `$1${REDACTED}@`],
  // Query-string secrets.
  [/\b(access_token|client_secret|private_token|token)=[^&\s'"]+/gi, `$1=${REDACTED}`],
];

/** Removes tokens and credentials from text before it is shown or stored. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) {
    result = result.replace(pattern, replacement);
  }
  return result;
}
