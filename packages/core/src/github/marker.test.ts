import { describe, expect, it } from "vitest";
import { hasMarker, markerFor, withMarker } from "./marker.js";

describe("markerFor", () => {
  it("writes the run, the phase and an optional key into a hidden comment", () => {
    expect(markerFor({ runId: "r1", phase: "issue" })).toBe(
      "<!-- workflowmaster:run=r1 phase=issue -->",
    );
    expect(markerFor({ runId: "r1", phase: "comment", key: "started" })).toBe(
      "<!-- workflowmaster:run=r1 phase=comment key=started -->",
    );
  });

  it("refuses a part that could end the comment early, naming the field", () => {
    expect(() => markerFor({ runId: "r1 -->", phase: "issue" })).toThrow(
      "Invalid marker: `runId` must be 1-128 letters, digits, '.', '_', ':' or '-'.",
    );
  });
});

describe("hasMarker", () => {
  it("matches the whole marker, so run r1 is not run r10", () => {
    const body = withMarker("text", markerFor({ runId: "r10", phase: "issue" }));
    expect(hasMarker(body, markerFor({ runId: "r10", phase: "issue" }))).toBe(true);
    expect(hasMarker(body, markerFor({ runId: "r1", phase: "issue" }))).toBe(false);
    expect(hasMarker(null, markerFor({ runId: "r1", phase: "issue" }))).toBe(false);
  });
});

describe("withMarker", () => {
  it("appends the marker once, on its own paragraph", () => {
    const marker = markerFor({ runId: "r1", phase: "issue" });
    expect(withMarker("Say hello.\n", marker)).toBe(`Say hello.\n\n${marker}`);
    expect(withMarker(withMarker("x", marker), marker)).toBe(`x\n\n${marker}`);
    expect(withMarker("", marker)).toBe(marker);
  });
});
