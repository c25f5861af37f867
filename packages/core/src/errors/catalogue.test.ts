import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  CATALOGUE,
  type CatalogueEntry,
  ERROR_CODES,
  type ErrorCode,
  render,
} from "./catalogue.js";
import { CLASSIFY_CODES } from "./classify.js";
import { ErrorKind } from "./error-kind.js";

/**
 * Codes the engine, the run store and the resource checks emit themselves:
 * the rows above the classify marker in catalogue.ts. Every other code must
 * be one `classify` can return. A new engine code goes here too.
 */
export const ENGINE_EMITTED_CODES: readonly ErrorCode[] = [
  "WFM-RUN-LOCKED",
  "WFM-RUN-FENCED",
  "WFM-RUN-NOT-FOUND",
  "WFM-RUN-EXISTS",
  "WFM-RUN-ID-INVALID",
  "WFM-RUN-TERMINAL",
  "WFM-RUN-NOT-STARTED",
  "WFM-RUN-ROLLING-BACK",
  "WFM-RUN-WORKFLOW-MISMATCH",
  "WFM-STATE-CORRUPT",
  "WFM-STATE-SCHEMA-UNKNOWN",
  "WFM-PHASE-TIMEOUT",
  "WFM-PHASE-INACTIVE",
  "WFM-PHASE-POSTCONDITION",
  "WFM-PHASE-PRECONDITION",
  "WFM-PHASE-UNRECONCILABLE",
  "WFM-RETRY-EXHAUSTED",
  "WFM-RETRY-BUDGET-EXHAUSTED",
  "WFM-ROLLBACK-INCOMPLETE",
  "WFM-INTERRUPTED",
  "WFM-INTERNAL",
  "WFM-DISK-LOW",
  "WFM-MEMORY-LOW",
  "WFM-FD-LOW",
  "WFM-GITHUB-TOKEN-MISSING",
  "WFM-GIT-MERGE-IN-PROGRESS",
  "WFM-GIT-REBASE-IN-PROGRESS",
  "WFM-GIT-AM-IN-PROGRESS",
  "WFM-GIT-CHERRY-PICK-IN-PROGRESS",
  "WFM-GIT-REVERT-IN-PROGRESS",
  "WFM-GIT-NO-BRANCH",
  "WFM-GIT-WRONG-BRANCH",
  "WFM-GIT-BRANCH-EXISTS",
  "WFM-GIT-INDEX-LOCK-HELD",
  "WFM-GIT-INDEX-CORRUPT",
  "WFM-GIT-HEAD-INVALID",
  "WFM-GIT-REF-BROKEN",
  "WFM-GIT-DIRTY-TREE",
  "WFM-GIT-DIVERGED",
  "WFM-GIT-REMOTE-MISSING",
  "WFM-GIT-REMOTE-UNREACHABLE",
  "WFM-GIT-SHALLOW",
  "WFM-GIT-NOTHING-TO-COMMIT",
  "WFM-GIT-PUSH-CONFLICT",
  "WFM-IMPLEMENT-FAILED",
  "WFM-IMPLEMENT-EMPTY-DIFF",
  "WFM-IMPLEMENT-LEFTOVER",
  "WFM-DEV-TREE-NOT-CLEAN",
  "WFM-DEV-HEAD-MOVED",
  "WFM-DEV-WORK-CHANGED",
  "WFM-DEV-BASE-MISSING",
  "WFM-DEV-REMOTE-BRANCH-MOVED",
  "WFM-CLI-USAGE",
  "WFM-CLI-INPUT-INVALID",
  "WFM-CLI-REPO-UNKNOWN",
  "WFM-CLI-NESTED",
];

/**
 * `WFM-<AREA>-<WHAT>`. Two codes predate the rule and are named by the
 * engine's and retry's contracts, so they keep their one-part names.
 */
const CODE_SHAPE = /^WFM-[A-Z]+(-[A-Z]+)+$/;
const ONE_PART_CODES: readonly string[] = ["WFM-INTERNAL", "WFM-INTERRUPTED"];

/** Emitted by the engine and also returned by classify (an abort, a bug). */
const SHARED_CODES: readonly string[] = ["WFM-INTERNAL", "WFM-INTERRUPTED"];

const KINDS: readonly string[] = Object.values(ErrorKind);
const rows: CatalogueEntry[] = [...CATALOGUE.values()];

function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((found) => found[1] ?? "");
}

describe("catalogue rows", () => {
  it.each(rows)("$code is well-formed", (entry) => {
    if (!ONE_PART_CODES.includes(entry.code)) expect(entry.code).toMatch(CODE_SHAPE);
    expect(KINDS).toContain(entry.kind);
    expect(entry.title.trim().length).toBeGreaterThan(0);
    expect(entry.automatic.trim().length).toBeGreaterThan(0);
    expect(entry.guidance.trim().length).toBeGreaterThan(0);
    expect(entry.command?.trim().length ?? 0).toBeGreaterThan(0);
    // Only permanent errors choose between failing and pausing; the others always pause.
    if (entry.pausable !== undefined) expect(entry.kind).toBe(ErrorKind.Permanent);
  });

  it.each(rows)("$code renders with no brace left when every placeholder has a value", (entry) => {
    const templates = [entry.guidance, entry.automatic, entry.command ?? ""];
    const names = templates.flatMap(placeholders);
    const context = Object.fromEntries(names.map((name) => [name, `value-of-${name}`]));
    for (const template of templates) {
      const rendered = render(template, context);
      expect(rendered).not.toMatch(/[{}]/);
      expect(rendered).not.toMatch(/<[A-Z][A-Z_]*>/);
    }
  });

  it("has unique codes", () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(CATALOGUE.size).toBe(ERROR_CODES.length);
  });
});

describe("catalogue coverage", () => {
  it("holds only codes classify can return or the engine emits", () => {
    const known = new Set<string>([...CLASSIFY_CODES, ...ENGINE_EMITTED_CODES]);
    expect(ERROR_CODES.filter((code) => !known.has(code))).toEqual([]);
  });

  it("has a row for every engine-emitted code", () => {
    expect(ENGINE_EMITTED_CODES.filter((code) => !CATALOGUE.has(code))).toEqual([]);
  });

  it("keeps classify's codes and the engine's apart, except the two both emit", () => {
    const engine = new Set<string>(ENGINE_EMITTED_CODES);
    expect(CLASSIFY_CODES.filter((code) => engine.has(code)).sort()).toEqual(
      [...SHARED_CODES].sort(),
    );
  });

  it("places classify's rows below the marker and the engine's above it", async () => {
    const source = await readFile(new URL("./catalogue.ts", import.meta.url), "utf8");
    const [above = "", below = ""] = source.split(
      "// (rows for classify are added below this line)",
    );
    const codesIn = (text: string) =>
      [...text.matchAll(/code: "(WFM-[A-Z-]+)"/g)].map((found) => found[1]);
    expect(below).not.toBe("");
    expect(codesIn(above).sort()).toEqual([...ENGINE_EMITTED_CODES].sort());
    expect(codesIn(below).sort()).toEqual(
      CLASSIFY_CODES.filter((code) => !SHARED_CODES.includes(code)).sort(),
    );
  });
});
