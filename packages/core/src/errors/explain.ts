import {
  CATALOGUE,
  type CatalogueEntry,
  ERROR_CODES,
  type ErrorCode,
  render,
} from "./catalogue.js";
import { areaOf, ERROR_AREAS, type ErrorArea } from "./error-area.js";
import { ErrorKind } from "./error-kind.js";

/** One catalogue entry told for a person; serialisable (`explain CODE --json`). */
export interface Explanation {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly area: ErrorArea;
  readonly areaHeading: string;
  readonly title: string;
  /** What the code means: its title and what its kind implies. */
  readonly meaning: string;
  /** What happens to a run that meets it (pauses, or fails). */
  readonly outcome: string;
  /** What the engine already did by itself. */
  readonly automatic: string;
  /** What to do, placeholders shown as `<RUN_ID>`. */
  readonly guidance: string;
  /** The exact next command, placeholders shown as `<RUN_ID>`; absent when there is none. */
  readonly command?: string;
  readonly pausable: boolean;
}

const KIND_MEANING: Readonly<Record<ErrorKind, string>> = {
  [ErrorKind.Transient]: "It is transient: the same step will likely succeed after a wait.",
  [ErrorKind.Permanent]:
    "It is permanent: the same step fails the same way until a person changes something.",
  [ErrorKind.Partial]:
    "It is partial: part of the effect may have happened, so it is looked up before anything is redone.",
  [ErrorKind.Environmental]:
    "It is environmental: the machine (disk, memory, files, processes), not the request, is at fault.",
};

/** What a run does on meeting the entry, following the engine's rule (engine/run-phase.ts). */
function outcomeOf(entry: CatalogueEntry): string {
  if (entry.kind !== ErrorKind.Permanent) {
    return "A run that meets it pauses (exit 3), after any retries its policy allows, with everything acknowledged saved; `workflowmaster resume` continues it.";
  }
  if (entry.pausable === true) {
    return "A run that meets it pauses (exit 3) with everything acknowledged saved; fix the cause, then `workflowmaster resume` continues it.";
  }
  return "A run that meets it fails (exit 1); a command that meets it before a run starts exits 1, or 2 when the command line or its input is at fault. Fix the cause, then run the command again.";
}

/** The explanation of a known code. */
export function explain(code: ErrorCode): Explanation {
  const entry = CATALOGUE.get(code);
  // ErrorCode is the catalogue's own union: a miss is a bug, not user input.
  if (entry === undefined) throw new TypeError(`Unknown WorkflowMaster error code ${code}`);
  const area = areaOf(entry.code as ErrorCode);
  const heading = ERROR_AREAS.find((item) => item.area === area)?.heading ?? area;
  return {
    code: entry.code as ErrorCode,
    kind: entry.kind,
    area,
    areaHeading: heading,
    title: entry.title,
    meaning: `${entry.title}. ${KIND_MEANING[entry.kind]}`,
    outcome: outcomeOf(entry),
    automatic: render(entry.automatic, {}),
    guidance: render(entry.guidance, {}),
    ...(entry.command === undefined ? {} : { command: render(entry.command, {}) }),
    pausable: entry.pausable === true,
  };
}

/** Every code's explanation, in catalogue order. */
export function explainAll(): readonly Explanation[] {
  return ERROR_CODES.map(explain);
}

/**
 * The catalogue code a person typed: case-insensitive, surrounding space
 * ignored, `WFM-` optional (`disk-full` is `WFM-DISK-FULL`).
 */
export function findCode(input: string): ErrorCode | undefined {
  const wanted = normaliseCode(input);
  return ERROR_CODES.find((code) => code === wanted);
}

/**
 * Up to `limit` catalogue codes closest to what was typed: codes containing
 * it first (`rate-limit` finds both rate-limit codes), then by edit distance,
 * then in catalogue order.
 */
export function closestCodes(input: string, limit = 3): readonly ErrorCode[] {
  const wanted = normaliseCode(input);
  const body = wanted.slice("WFM-".length);
  return ERROR_CODES.map((code, index) => ({
    code,
    index,
    contains: body !== "" && code.includes(body) ? 0 : 1,
    distance: distance(wanted, code),
  }))
    .sort((a, b) => a.contains - b.contains || a.distance - b.distance || a.index - b.index)
    .slice(0, limit)
    .map((item) => item.code);
}

function normaliseCode(input: string): string {
  const upper = input.trim().toUpperCase().replace(/_/g, "-");
  return upper.startsWith("WFM-") ? upper : `WFM-${upper}`;
}

/** Levenshtein distance, two rows. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The explanation as plain text for a terminal. */
export function renderExplanation(explanation: Explanation): string {
  const lines = [
    `${explanation.code}: ${explanation.title}`,
    `  Kind: ${explanation.kind} · Area: ${explanation.areaHeading}`,
    "",
    "What it means",
    `  ${explanation.meaning}`,
    `  ${explanation.outcome}`,
    "",
    "What the engine already did",
    `  ${explanation.automatic}`,
    "",
    "What to do",
    `  ${explanation.guidance}`,
  ];
  if (explanation.command !== undefined) {
    lines.push("", "Command", `  ${explanation.command}`);
  }
  lines.push(
    "",
    "Placeholders such as <RUN_ID> are filled in when the error is printed for a real run.",
  );
  return `${lines.join("\n")}\n`;
}
