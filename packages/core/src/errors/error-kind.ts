/** How a failure should be treated. */
export const ErrorKind = {
  /** Will likely succeed if retried after a wait (5xx, reset, rate limit). */
  Transient: "transient",
  /** Will fail the same way until a person changes something (401, 404, bad input). */
  Permanent: "permanent",
  /** Part of the effect may have happened; reconcile before anything is redone. */
  Partial: "partial",
  /** The machine, not the request, is at fault (disk full, no memory, no git). */
  Environmental: "environmental",
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];
