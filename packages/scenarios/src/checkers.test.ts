import { describe, expect, it } from "vitest";
import { checkCase, isActionable } from "./checkers.js";
import { defineScenario, type Observation } from "./scenario.js";

const scenario = defineScenario({
  name: "engine/example",
  tags: ["baseline"],
  description: "example",
  faults: [],
  expect: "completed",
  run: () => Promise.reject(new Error("not run in these tests")),
});

const clean: Observation = {
  state: "completed",
  expectedLive: ["r:a", "r:b"],
  live: new Set(["r:a", "r:b"]),
  applications: new Map([
    ["r:a", 1],
    ["r:b", 1],
  ]),
  errors: [],
  resumes: 0,
  virtualMs: 0,
  neededPerson: false,
};

const verdicts = (observation: Observation) =>
  Object.fromEntries(checkCase(scenario, observation).map((c) => [c.name, c.verdict]));

describe("case checkers", () => {
  it("passes a completed run with every effect applied once", () => {
    expect(verdicts(clean)).toEqual({
      "expected-outcome": "ok",
      "no-duplicates": "ok",
      "world-matches-state": "ok",
      "errors-actionable": "ok",
    });
  });

  it("fails an effect applied twice, naming it", () => {
    const checks = checkCase(scenario, {
      ...clean,
      applications: new Map([
        ["r:a", 2],
        ["r:b", 1],
      ]),
    });
    expect(checks.find((c) => c.name === "no-duplicates")).toEqual({
      name: "no-duplicates",
      verdict: "fail",
      detail: "r:a applied 2 times",
    });
  });

  it("fails acknowledged work missing from the world, and work left behind", () => {
    const checks = checkCase(scenario, { ...clean, live: new Set(["r:a", "r:zombie"]) });
    expect(checks.find((c) => c.name === "world-matches-state")).toEqual({
      name: "world-matches-state",
      verdict: "fail",
      detail: "missing: r:b; left behind: r:zombie",
    });
  });

  it("fails a run that ended in another state, quoting its last error", () => {
    const checks = checkCase(scenario, {
      ...clean,
      state: "paused",
      errors: [{ code: "WFM-X-Y", message: "boom", guidance: "do z", command: "wfm z" }],
    });
    expect(checks.find((c) => c.name === "expected-outcome")?.detail).toBe(
      "ended paused, expected completed (last error WFM-X-Y: boom)",
    );
  });

  it("judges an error actionable only with code, guidance and command", () => {
    const good = { code: "WFM-DISK-FULL", message: "m", guidance: "free space", command: "df -h" };
    expect(isActionable(good)).toBe(true);
    expect(isActionable({ ...good, command: undefined })).toBe(false);
    expect(isActionable({ ...good, guidance: " " })).toBe(false);
    expect(isActionable({ ...good, code: "ENOSPC" })).toBe(false);
  });
});

describe("defineScenario", () => {
  it("refuses a name that is not layer/kebab-name", () => {
    expect(() => defineScenario({ ...scenario, name: "Bad Name" })).toThrow(
      'Invalid scenario: name "Bad Name" must be "layer/kebab-name" (e.g. "engine/ghost-writes").',
    );
  });

  it("refuses a fault that is not layer:fault", () => {
    expect(() =>
      defineScenario({ ...scenario, faults: ["ghost" as `${string}:${string}`] }),
    ).toThrow(
      'Invalid scenario engine/example: fault "ghost" must be "layer:fault" (e.g. "github:ghost-write").',
    );
  });
});
