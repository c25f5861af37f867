import { ERROR_AREAS } from "./error-area.js";
import { type Explanation, explainAll } from "./explain.js";

/** Where the guide is committed, relative to the repository root. */
export const TROUBLESHOOTING_GUIDE_PATH = "docs/troubleshooting.md";

/**
 * `docs/troubleshooting.md`, generated from the catalogue (`pnpm docs:generate`):
 * every code grouped by area, with what it means, what the engine did, what
 * to do and the command. A test fails when the committed file differs.
 */
export function renderTroubleshootingGuide(): string {
  const explanations = explainAll();
  const out: string[] = [
    "# Troubleshooting",
    "",
    "<!-- Generated from packages/core/src/errors/catalogue.ts by `pnpm docs:generate`. Do not edit by hand: edit the catalogue and generate again. -->",
    "",
    "Every error WorkflowMaster prints starts with its code (`Error WFM-…:`), says what it already did about it, what to do, and the next command with the run's own values filled in. This page lists every code the engine can emit. The same text is one command away:",
    "",
    "```sh",
    "workflowmaster explain WFM-DISK-FULL   # one code (case-insensitive; the WFM- prefix is optional)",
    "workflowmaster explain --list --json   # every code with its kind and title",
    "```",
    "",
    "Placeholders such as `<RUN_ID>` stand for the values printed with the real error. Exit codes: 0 completed, 1 failed, 2 bad command line or input, 3 paused (needs a person; `workflowmaster resume RUN_ID` continues), 130 interrupted (resumable).",
    "",
    "Kinds: **transient** errors are retried and then pause the run; **partial** ones are looked up before anything is redone; **environmental** ones are the machine's; **permanent** ones need a person, and pause the run when a person can fix the cause and resume.",
    "",
    "For whole situations (rate limits, a revoked token, a full disk, a killed run …) follow the [runbooks](runbooks/README.md).",
    "",
    "## Contents",
    "",
  ];
  for (const { area, heading } of ERROR_AREAS) {
    const count = explanations.filter((item) => item.area === area).length;
    out.push(`- [${heading}](#${anchor(heading)}) (${count})`);
  }
  for (const { area, heading } of ERROR_AREAS) {
    out.push("", `## ${heading}`);
    for (const explanation of explanations.filter((item) => item.area === area)) {
      out.push("", ...entrySection(explanation));
    }
  }
  return `${out.join("\n")}\n`;
}

function entrySection(explanation: Explanation): string[] {
  const lines = [
    `### ${explanation.code}`,
    "",
    `- **Kind:** ${explanation.kind}`,
    `- **What it means:** ${prose(explanation.meaning)} ${prose(explanation.outcome)}`,
    `- **What the engine did:** ${prose(explanation.automatic)}`,
    `- **What to do:** ${prose(explanation.guidance)}`,
  ];
  if (explanation.command !== undefined) {
    lines.push("", "```sh", explanation.command, "```");
  }
  return lines;
}

/** GitHub's heading anchor: lower case, spaces to dashes, punctuation dropped. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-");
}

/** Markdown-safe text: `<` and `>` escaped outside code spans, so `<RUN_ID>` is not taken for HTML. */
function prose(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith("`") ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("");
}
