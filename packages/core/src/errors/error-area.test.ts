import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "./catalogue.js";
import { areaOf, areaRuleFor, ERROR_AREAS, ErrorArea } from "./error-area.js";

describe("every catalogue code has an area", () => {
  it("places every code by a rule, not by the catch-all", () => {
    const unplaced = ERROR_CODES.filter((code) => areaRuleFor(code) === undefined);
    expect(unplaced).toEqual([]);
  });

  it("lists every area once, each holding at least one code", () => {
    const areas = ERROR_AREAS.map((item) => item.area);
    expect(areas).toEqual(Object.values(ErrorArea));
    for (const area of areas) {
      expect(ERROR_CODES.some((code) => areaOf(code) === area)).toBe(true);
    }
  });
});

describe("areas follow the code's origin", () => {
  it.each([
    ["WFM-RUN-LOCKED", "run-store"],
    ["WFM-STATE-CORRUPT", "run-store"],
    ["WFM-RETRY-EXHAUSTED", "engine"],
    ["WFM-INTERRUPTED", "engine"],
    ["WFM-DISK-LOW", "resources"],
    ["WFM-GIT-CONFLICT", "git"],
    ["WFM-GITHUB-RATE-LIMITED", "github"],
    ["WFM-NET-DNS", "network"],
    ["WFM-DISK-FULL", "filesystem"],
    ["WFM-FD-EXHAUSTED", "filesystem"],
    ["WFM-CLI-USAGE", "workflow-cli"],
    ["WFM-IMPLEMENT-FAILED", "workflow-cli"],
  ] as const)("puts %s in %s", (code, area) => {
    expect(areaOf(code)).toBe(area);
  });
});
