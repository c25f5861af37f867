/** GitHub's timestamp format: ISO-8601 UTC to the second (`2026-01-01T00:00:00Z`). */
export function githubTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `2026-01-01 00:00:00`: how GitHub writes the time in rate-limit messages. */
export function githubMessageTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "");
}
