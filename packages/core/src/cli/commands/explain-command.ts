import {
  closestCodes,
  explain,
  explainAll,
  findCode,
  renderExplanation,
} from "../../errors/explain.js";
import { ERROR_CODES } from "../../errors/index.js";
import { oneLine, usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";

export interface ExplainCommandOptions {
  code?: string;
  list: boolean;
  json: boolean;
}

/**
 * `workflowmaster explain CODE`: what a code means, what the engine already
 * did, what to do and the command, straight from the catalogue.
 * `explain --list [--json]`: every code with its kind and title.
 * An unknown code is a usage error (exit 2) naming the closest codes.
 */
export async function explainCommand(io: CliIo, options: ExplainCommandOptions): Promise<number> {
  if (options.list) {
    if (options.code !== undefined) {
      throw usageError("Give either a code or --list, not both");
    }
    const rows = explainAll().map(({ code, kind, area, title }) => ({ code, kind, area, title }));
    if (options.json) {
      io.stdout.write(`${JSON.stringify(rows)}\n`);
      return 0;
    }
    const width = Math.max(...ERROR_CODES.map((code) => code.length));
    for (const row of rows) {
      io.stdout.write(`${row.code.padEnd(width)}  ${row.kind.padEnd(13)}  ${row.title}\n`);
    }
    return 0;
  }
  if (options.code === undefined || options.code.trim() === "") {
    throw usageError(
      "Name an error code to explain (`workflowmaster explain WFM-DISK-FULL`), or list them with --list",
    );
  }
  const code = findCode(options.code);
  if (code === undefined) {
    const shown = JSON.stringify(oneLine(options.code).slice(0, 80));
    const suggestions = closestCodes(options.code).join(", ");
    throw usageError(
      `${shown} is not a WorkflowMaster error code; the closest are ${suggestions}. \`workflowmaster explain --list\` lists every code`,
    );
  }
  const explanation = explain(code);
  io.stdout.write(
    options.json ? `${JSON.stringify(explanation)}\n` : renderExplanation(explanation),
  );
  return 0;
}
