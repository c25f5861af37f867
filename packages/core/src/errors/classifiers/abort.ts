import type { Classification, Classifier } from "./classification.js";
import { causeChain, describeValue, isRecord, oneLine, readString } from "./inspect.js";

function isTimeout(value: unknown): boolean {
  return readString(value, "name") === "TimeoutError";
}

function isAbort(value: unknown): boolean {
  return readString(value, "name") === "AbortError" || readString(value, "code") === "ABORT_ERR";
}

/**
 * Cancellation: an `AbortError` (fetch, Octokit, `timers/promises`), a
 * DOMException `TimeoutError` (`AbortSignal.timeout`), or whatever the
 * caller's aborted signal carried as its reason.
 */
export const classifyAbort: Classifier = (value, input) => {
  const signal = input.signal;
  if (signal?.aborted === true && causeChain(value).includes(signal.reason)) {
    return fromReason(signal.reason, value);
  }
  if (isTimeout(value)) return timeout(value);
  if (isAbort(value)) {
    // Node's AbortError keeps the signal's reason as its cause.
    const cause = isRecord(value) ? value.cause : undefined;
    return isTimeout(cause) ? timeout(cause) : interrupted(value);
  }
  return undefined;
};

function fromReason(reason: unknown, thrown: unknown): Classification {
  if (isTimeout(reason)) return timeout(reason);
  return reason === thrown ? interrupted(reason) : interrupted(thrown, reason);
}

function timeout(value: unknown): Classification {
  const observed = oneLine(readString(value, "message") ?? describeValue(value));
  return {
    code: "WFM-OPERATION-TIMEOUT",
    message: `The operation timed out: ${observed}`,
    context: { detail: `The operation timed out (${observed})` },
  };
}

function interrupted(value: unknown, reason?: unknown): Classification {
  const observed = oneLine(describeValue(value));
  return {
    code: "WFM-INTERRUPTED",
    message:
      reason === undefined
        ? `The operation was aborted: ${observed}`
        : `The operation was aborted (${oneLine(describeValue(reason))}): ${observed}`,
    context: { detail: observed },
  };
}
