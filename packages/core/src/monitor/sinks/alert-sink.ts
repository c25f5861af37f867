import type { Result } from "../../errors/result.js";
import type { Alert } from "../alerts.js";

/**
 * Where alerts go. `deliver` reports a failed delivery as a result instead of
 * throwing: the alert monitor collects it and tells the other sinks, so a
 * dead webhook neither fails the workflow nor goes unnoticed.
 */
export interface AlertSink {
  /** Names the sink in failure reports ("console", "webhook https://hooks.example.com"). */
  readonly name: string;
  deliver(alert: Alert): Promise<Result<void, Error>>;
}

/** One line a person can read: `[warning] ALERT-RETRIES run r1: 11 retries …`. */
export function formatAlert(alert: Alert): string {
  const message = alert.message.replace(/\s*[\r\n]+\s*/g, " ").trim();
  return `[${alert.level}] ${alert.code} run ${alert.runId}: ${message}`;
}

/** An error from anything thrown, keeping an Error as it is. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
