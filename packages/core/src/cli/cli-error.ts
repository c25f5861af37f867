import { type WorkflowMasterError, wfmError } from "../errors/index.js";

/**
 * Codes that mean "the command line or its surroundings are wrong" (exit 2):
 * bad flags and values, an unknown or hostile run id, no repository, no
 * token, an unknown GitHub repository, a run that cannot be continued the
 * way it was asked to be.
 */
const USAGE_CODES: ReadonlySet<string> = new Set([
  "WFM-CLI-USAGE",
  "WFM-CLI-INPUT-INVALID",
  "WFM-CLI-REPO-UNKNOWN",
  "WFM-CLI-NESTED",
  "WFM-RUN-NOT-FOUND",
  "WFM-RUN-ID-INVALID",
  "WFM-RUN-EXISTS",
  "WFM-RUN-TERMINAL",
  "WFM-RUN-NOT-STARTED",
  "WFM-RUN-ROLLING-BACK",
  "WFM-RUN-WORKFLOW-MISMATCH",
  "WFM-GITHUB-TOKEN-MISSING",
  "WFM-GITHUB-BAD-CREDENTIALS",
  "WFM-GIT-NOT-A-REPOSITORY",
]);

/** Whether a thrown error is the user's to fix before running the command again (exit 2). */
export function isUsageError(error: WorkflowMasterError): boolean {
  return USAGE_CODES.has(error.code);
}

/** A bad option value, naming the option: exit 2. */
export function invalidInput(
  subcommand: string,
  field: string,
  detail: string,
): WorkflowMasterError {
  return wfmError("WFM-CLI-INPUT-INVALID", {
    message: `${field} ${detail}.`,
    context: { field, detail, subcommand },
  });
}

/** A bad command line (unknown option, missing argument): exit 2. */
export function usageError(detail: string): WorkflowMasterError {
  const text = detail.replace(/\.+$/, "");
  return wfmError("WFM-CLI-USAGE", { message: `${text}.`, context: { detail: text } });
}

/** The error's lines for a person: what happened, what to do, the next command. */
export function renderError(error: WorkflowMasterError): string {
  const lines = [`Error ${error.code}: ${oneLine(error.message)}`];
  if (error.automatic !== undefined && error.automatic !== "") {
    lines.push(`  Done automatically: ${oneLine(error.automatic)}`);
  }
  lines.push(`  What to do: ${oneLine(error.guidance)}`);
  if (error.command !== undefined) lines.push(`  Next: ${oneLine(error.command)}`);
  return `${lines.join("\n")}\n`;
}

/** One line, control characters shown as spaces: messages may quote hostile input. */
export function oneLine(text: string): string {
  return sanitise(text)
    .replace(/\s*\n\s*/g, " ")
    .trim();
}

/** Text safe to print: control characters (escape sequences included) become spaces; tab and newline stay. */
export function sanitise(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const control = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
    out += control && code !== 0x0a && code !== 0x09 ? " " : char;
  }
  return out;
}
