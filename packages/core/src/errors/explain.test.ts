import { describe, expect, it } from "vitest";
import { CATALOGUE, ERROR_CODES, render } from "./catalogue.js";
import { closestCodes, explain, explainAll, findCode, renderExplanation } from "./explain.js";

describe("explain tells every catalogue entry", () => {
  it("explains every code once, in catalogue order", () => {
    expect(explainAll().map((item) => item.code)).toEqual([...ERROR_CODES]);
  });

  it("carries the entry's kind, title, what was done, guidance and command with placeholders shown", () => {
    const explanation = explain("WFM-GIT-PUSH-CONFLICT");
    const entry = CATALOGUE.get("WFM-GIT-PUSH-CONFLICT");
    expect(explanation.kind).toBe("permanent");
    expect(explanation.title).toBe(entry?.title);
    expect(explanation.automatic).toBe(
      "Fetched the remote branch, rebased onto it, met conflicts and aborted the rebase: the working tree and commit <SHA> are exactly as before. Nothing was pushed.",
    );
    expect(explanation.command).toBe("git -C <CWD> pull --rebase <REMOTE> <BRANCH>");
    expect(explanation.pausable).toBe(true);
  });

  it("has no command when the entry has none", () => {
    const without = ERROR_CODES.filter((code) => CATALOGUE.get(code)?.command === undefined);
    for (const code of without) expect("command" in explain(code)).toBe(false);
  });

  it("says a run pauses on transient and pausable errors and fails on other permanent ones", () => {
    expect(explain("WFM-NET-DNS").outcome).toMatch(
      /^A run that meets it pauses \(exit 3\), after any retries its policy allows/,
    );
    expect(explain("WFM-GIT-CONFLICT").outcome).toMatch(/^A run that meets it pauses \(exit 3\)/);
    expect(explain("WFM-RUN-FENCED").outcome).toMatch(/^A run that meets it fails \(exit 1\)/);
  });

  it("renders title, guidance and command as text", () => {
    for (const code of ERROR_CODES) {
      const entry = CATALOGUE.get(code);
      const text = renderExplanation(explain(code));
      expect(text.startsWith(`${code}: ${entry?.title}\n`)).toBe(true);
      expect(text).toContain(render(entry?.guidance ?? "", {}));
      if (entry?.command !== undefined) expect(text).toContain(render(entry.command, {}));
    }
  });
});

describe("codes are found as people type them", () => {
  it.each([
    ["WFM-DISK-FULL", "WFM-DISK-FULL"],
    ["wfm-disk-full", "WFM-DISK-FULL"],
    ["disk_full", "WFM-DISK-FULL"],
    ["  Net-Dns ", "WFM-NET-DNS"],
  ])("finds %j as %s", (typed, code) => {
    expect(findCode(typed)).toBe(code);
  });

  it("finds nothing for an unknown code", () => {
    expect(findCode("WFM-NOPE")).toBe(undefined);
    expect(findCode("")).toBe(undefined);
  });

  it("suggests the closest codes, nearest first", () => {
    expect(closestCodes("WFM-DISK-FUL")).toEqual(["WFM-DISK-FULL", "WFM-DISK-LOW", "WFM-DISK-IO"]);
    expect(closestCodes("run-lockd", 1)).toEqual(["WFM-RUN-LOCKED"]);
  });

  it("suggests codes that contain what was typed before merely similar ones", () => {
    expect(closestCodes("rate-limit", 2)).toEqual([
      "WFM-GITHUB-RATE-LIMITED",
      "WFM-GITHUB-SECONDARY-RATE-LIMITED",
    ]);
  });
});
