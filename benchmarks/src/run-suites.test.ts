import { describe, expect, it } from "vitest";
import { runSuiteInChild } from "./run-suites.js";

describe("a suite run in a process of its own", () => {
  it("returns the figures the suite measured there", async () => {
    // retry-outage counts requests in virtual time: the same figure every run.
    const figures = await runSuiteInChild("retry-outage");
    expect(figures.map((figure) => [figure.id, figure.suite, figure.value])).toEqual([
      ["retry.outage-requests", "retry-outage", 1.125],
    ]);
  });

  it("fails naming the suite when its process does not exit 0", async () => {
    await expect(runSuiteInChild("no-such-suite")).rejects.toThrow(
      "The no-such-suite suite's process exited 2 (its output is above).",
    );
  });
});
