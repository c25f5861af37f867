import { z } from "zod";
import type { Result } from "../../errors/result.js";
import { err, ok } from "../../errors/result.js";
import type { Clock } from "../../ports/clock.js";
import type { Fetch } from "../../ports/fetch.js";
import { parseOptions } from "../../retry/parse-options.js";
import type { AlertSink } from "./alert-sink.js";
import { asError, formatAlert } from "./alert-sink.js";

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

// The URL is never echoed in a validation message: it may hold a secret.
const WebhookOptionsSchema = z.strictObject({
  url: z.string().refine(isHttpUrl, "expected an http:// or https:// URL"),
  fetch: z.custom<Fetch>((value) => typeof value === "function", {
    message: "expected a fetch function",
  }),
  clock: z.custom<Clock>((value) => typeof value === "object" && value !== null, {
    message: "expected a Clock",
  }),
  /** How long one delivery may take, answer included. */
  timeoutMs: z.number().int().min(1).max(300_000).default(10_000),
});

export type WebhookSinkOptions = z.input<typeof WebhookOptionsSchema>;

/** At most this much of an error answer is quoted in the failure. */
const QUOTE_CHARS = 200;

/**
 * Posts `{ text, alert }` as JSON to a webhook: `text` is the one-line alert,
 * which is what a Slack incoming webhook (and Mattermost, Discord's Slack
 * endpoint…) shows; `alert` is the structured alert for anything else.
 *
 * The URL of an incoming webhook is itself the secret, so errors name only
 * its origin (`https://hooks.slack.com`) and any text that might quote it is
 * scrubbed. A delivery that fails, answers non-2xx or takes longer than
 * `timeoutMs` (timed by the injected clock, enforced with an AbortSignal)
 * resolves to an error result; it never throws.
 */
export function webhookSink(options: WebhookSinkOptions): AlertSink {
  const { url, fetch, clock, timeoutMs } = parseOptions(
    WebhookOptionsSchema,
    options,
    "webhook sink options",
  );
  const origin = new URL(url).origin;
  const secrets = secretParts(url);
  const scrub = (text: string) =>
    secrets.reduce((result, secret) => result.split(secret).join("<redacted>"), text);
  const failure = (message: string) => err(new Error(`Webhook ${origin} ${scrub(message)}`));

  return {
    name: `webhook ${origin}`,
    async deliver(alert) {
      const request = new AbortController();
      const stopTimer = new AbortController();
      let timedOut = false;
      const timer = clock.sleep(timeoutMs, stopTimer.signal).then(
        () => {
          timedOut = true;
          request.abort(new Error(`no answer within ${timeoutMs} ms`));
        },
        (reason: unknown) => {
          // Stopped because the delivery finished first: the expected case.
          if (!stopTimer.signal.aborted) throw reason;
        },
      );
      let outcome: Result<void, Error>;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text: formatAlert(alert), alert }),
          signal: request.signal,
        });
        // Read the answer under the same timeout; it also frees the connection.
        const answer = await response.text();
        const quoted = answer.trim().slice(0, QUOTE_CHARS);
        outcome = response.ok
          ? ok(undefined)
          : failure(
              `answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}${quoted ? `: ${quoted}` : ""}`,
            );
      } catch (error) {
        outcome = timedOut
          ? failure(`did not answer within ${timeoutMs} ms.`)
          : failure(`could not be reached: ${describe(error)}`);
      }
      stopTimer.abort();
      const clockError = await timer.then(
        () => undefined,
        (error: unknown) => asError(error),
      );
      if (clockError) {
        return err(
          new Error(`Webhook ${origin}: the clock failed while timing the delivery.`, {
            cause: clockError,
          }),
        );
      }
      return outcome;
    },
  };
}

/** The parts of a URL that may be secret: everything after the origin, and any credentials. */
function secretParts(url: string): string[] {
  const parsed = new URL(url);
  const parts = [url, parsed.href];
  const tail = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  if (tail !== "/" && tail !== "") parts.push(tail);
  // A password short enough to occur by chance in a message is left alone.
  if (parsed.password.length >= 4) parts.push(parsed.password);
  // Longest first, so a part inside a longer one does not break the longer match.
  return [...new Set(parts)].sort((a, b) => b.length - a.length);
}

/** "fetch failed (ECONNREFUSED)": the message and the errno code underneath, if any. */
function describe(error: unknown): string {
  const e = asError(error);
  const cause = (e as { cause?: unknown }).cause;
  const code =
    typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === "string" ? `${e.message} (${code})` : e.message;
}
