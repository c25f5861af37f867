import { describe, expect, it } from "vitest";
import type { Phase } from "./phase.js";
import { defineWorkflow, hasSideEffect } from "./phase.js";

const phase = (name: string, extra: Partial<Phase<unknown, unknown>> = {}) => ({
  name,
  run: async () => name,
  ...extra,
});

describe("defineWorkflow", () => {
  it("returns a valid workflow unchanged", () => {
    const workflow = { name: "dev", phases: [phase("issue"), phase("branch")] };
    expect(defineWorkflow(workflow)).toBe(workflow);
  });

  it("refuses two phases with the same name, naming the second", () => {
    expect(() =>
      defineWorkflow({ name: "dev", phases: [phase("issue"), phase("push"), phase("issue")] }),
    ).toThrow(
      'Invalid workflow: workflow.phases.2.name "issue" is used by an earlier phase; phase names must be unique.',
    );
  });

  it("refuses a phase name that could not be a journal key", () => {
    expect(() => defineWorkflow({ name: "dev", phases: [phase("pull request")] })).toThrow(
      "Invalid workflow: workflow.phases.0.name must be letters, digits, '.', '_' or '-', starting alphanumeric.",
    );
  });

  it("refuses a phase without run, a workflow without phases, and a non-positive timeout", () => {
    expect(() =>
      defineWorkflow({
        name: "dev",
        phases: [{ name: "a" } as unknown as Phase<unknown, unknown>],
      }),
    ).toThrow("Invalid workflow: workflow.phases.0.run must be a function.");
    expect(() => defineWorkflow({ name: "dev", phases: [] })).toThrow(
      "Invalid workflow: workflow.phases needs at least one phase.",
    );
    expect(() => defineWorkflow({ name: "dev", phases: [phase("a", { timeoutMs: 0 })] })).toThrow(
      /^Invalid workflow: workflow\.phases\.0\.timeoutMs /,
    );
  });
});

describe("hasSideEffect", () => {
  it("treats a phase as side-effecting unless it says otherwise", () => {
    expect(hasSideEffect(phase("a"))).toBe(true);
    expect(hasSideEffect(phase("a", { sideEffect: true }))).toBe(true);
    expect(hasSideEffect(phase("a", { sideEffect: false }))).toBe(false);
  });
});
