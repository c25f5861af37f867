import { type AlertThresholdsInput, parseAlertThresholds } from "../monitor/index.js";
import { invalidInput } from "./cli-error.js";
import type { CliIo } from "./cli-io.js";

/** The webhook alerts are posted to (Slack-compatible JSON): an http(s) URL. */
export const ALERT_WEBHOOK_ENV = "WORKFLOWMASTER_ALERT_WEBHOOK";
/** Alert thresholds as JSON (`{"retriesPerRun": 5, "phaseStalledMs": 600000}`), over the defaults. */
export const ALERT_THRESHOLDS_ENV = "WORKFLOWMASTER_ALERT_THRESHOLDS";

/** Where a run's alerts go besides the console and the event log. */
export interface AlertSettings {
  /** Validated http(s) URL; never printed (the path of an incoming webhook is its secret). */
  webhookUrl?: string;
  /** Comment each alert once on the run's issue (default on; `--no-alert-comment`). */
  comment: boolean;
  thresholds: AlertThresholdsInput;
}

/**
 * Reads the alert settings from the environment and the flag, before
 * anything is created: a bad value is exit 2 with a message that names the
 * variable (and never echoes the webhook URL).
 */
export function alertSettings(
  io: CliIo,
  subcommand: string,
  options: { alertComment?: boolean },
): AlertSettings {
  const webhook = io.env[ALERT_WEBHOOK_ENV]?.trim() ?? "";
  if (webhook !== "" && !isHttpUrl(webhook)) {
    throw invalidInput(
      subcommand,
      ALERT_WEBHOOK_ENV,
      "must be an http:// or https:// URL (its value is not shown: a webhook URL is a secret)",
    );
  }
  return {
    ...(webhook === "" ? {} : { webhookUrl: webhook }),
    comment: options.alertComment !== false,
    thresholds: thresholdsFrom(io, subcommand),
  };
}

function thresholdsFrom(io: CliIo, subcommand: string): AlertThresholdsInput {
  const text = io.env[ALERT_THRESHOLDS_ENV]?.trim() ?? "";
  if (text === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidInput(subcommand, ALERT_THRESHOLDS_ENV, "must be a JSON object of thresholds");
  }
  try {
    // Validated here, so a bad threshold is exit 2 before the run starts.
    parseAlertThresholds(value as AlertThresholdsInput);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw invalidInput(
      subcommand,
      ALERT_THRESHOLDS_ENV,
      `is not valid: ${error.message.replace(/\.$/, "")}`,
    );
  }
  return value as AlertThresholdsInput;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}
