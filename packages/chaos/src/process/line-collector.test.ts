import { describe, expect, it } from "vitest";
import { lineCollector } from "./line-collector.js";

describe("lineCollector", () => {
  it("joins lines split across chunks and keeps an unterminated last line at the end", () => {
    const collector = lineCollector();
    collector.push("alp");
    collector.push("ha\nbeta\n\ngam");
    expect(collector.lines).toEqual(["alpha", "beta", ""]);
    collector.push("ma");
    collector.end();
    expect(collector.lines).toEqual(["alpha", "beta", "", "gamma"]);
  });
});
