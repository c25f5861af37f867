/**
 * When cleaning up after a failure fails too, neither error may disappear:
 * the result keeps the original as `cause` (so errno-based classification
 * still finds it) and lists both.
 */
export function withCleanupError(original: unknown, cleanupError: unknown, what: string): Error {
  const message = original instanceof Error ? original.message : String(original);
  const cleanup = cleanupError instanceof Error ? cleanupError.message : String(cleanupError);
  return new AggregateError(
    [original, cleanupError],
    `${message} (then ${what} failed too: ${cleanup})`,
    { cause: original },
  );
}
