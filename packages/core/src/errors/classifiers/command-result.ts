import type { Classifier } from "./classification.js";
import { classifyGitOutput } from "./git.js";
import { isRecord, oneLine, readString } from "./inspect.js";

/**
 * A finished child process that failed, as `ProcessSpawner.run` returns it:
 * `{ exitCode, signal?, stderr, command? }`. git's output is recognised by
 * the git rules; anything else is a failed command.
 */
export const classifyCommandResult: Classifier = (value) => {
  if (!isRecord(value) || value instanceof Error) return undefined;
  const stderr = readString(value, "stderr");
  const exitCode = value.exitCode;
  if (stderr === undefined || !(typeof exitCode === "number" || exitCode === null)) {
    return undefined;
  }
  const signal = readString(value, "signal");
  if (exitCode === 0 && signal === undefined) return undefined;
  const label = commandLabel(value.command, value.args);
  const git = classifyGitOutput(stderr, label);
  if (git !== undefined) return git;
  const ended =
    signal !== undefined ? `was killed by ${signal}` : `exited with code ${String(exitCode)}`;
  const lastLine = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .at(-1);
  const detail = `${label} ${ended}${lastLine === undefined ? "" : `: ${oneLine(lastLine)}`}`;
  return { code: "WFM-COMMAND-FAILED", message: detail, context: { detail } };
};

function commandLabel(command: unknown, args: unknown): string {
  if (typeof command !== "string" || command === "") return "The command";
  const rest = Array.isArray(args)
    ? args.filter((part): part is string => typeof part === "string")
    : [];
  return `\`${oneLine([command, ...rest].join(" "), 120)}\``;
}
