import { describe, expect, it } from "vitest";
import { isWorkflowMasterError } from "../errors/workflow-master-error.js";
import { assertValidRunId, isValidRunId } from "./run-id.js";

function problem(runId: unknown): string {
  try {
    assertValidRunId(runId);
  } catch (error) {
    if (isWorkflowMasterError(error) && error.code === "WFM-RUN-ID-INVALID") return error.message;
    throw error;
  }
  return "accepted";
}

describe("assertValidRunId", () => {
  it("accepts ids made of letters, digits, '.', '_' and '-' up to 64 characters", () => {
    for (const id of ["r1", "2026-01-01_run.3", "A", "x".repeat(64)]) {
      expect(assertValidRunId(id)).toBe(id);
      expect(isValidRunId(id)).toBe(true);
    }
  });

  it("refuses hostile ids with WFM-RUN-ID-INVALID saying exactly what is wrong", () => {
    expect(problem("../etc")).toBe('Run id "../etc" is not allowed: it contains "..".');
    expect(problem("a/b")).toBe('Run id "a/b" is not allowed: it contains "/" at position 2.');
    expect(problem("")).toBe('Run id "" is not allowed: it is empty.');
    expect(problem(".git")).toBe(
      'Run id ".git" is not allowed: it starts with "."; it must start with a letter or digit.',
    );
    expect(problem("-rf")).toBe(
      'Run id "-rf" is not allowed: it starts with "-"; it must start with a letter or digit.',
    );
    expect(problem("x".repeat(65))).toBe(
      `Run id "${"x".repeat(65)}" is not allowed: it has 65 characters; at most 64 are allowed.`,
    );
    expect(problem("a\u0000b")).toBe(
      'Run id "a\\u0000b" is not allowed: it contains "\\u0000" at position 2.',
    );
    expect(problem("C:\\x")).toBe(
      'Run id "C:\\\\x" is not allowed: it contains ":" at position 2.',
    );
    expect(problem(42)).toBe("Run id 42 is not allowed: it is a number, not a string.");
    expect(isValidRunId("a..b")).toBe(false);
  });

  it("fills the guidance so a person knows what ids are allowed", () => {
    try {
      assertValidRunId("bad id");
    } catch (error) {
      if (!isWorkflowMasterError(error)) throw error;
      expect(error.guidance).toBe(
        `Run id "bad id" is not allowed: it contains " " at position 4. Use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
      );
      expect(error.command).toBe("workflowmaster runs");
      return;
    }
    throw new Error("accepted a bad id");
  });
});
