import { describe, expect, it } from "vitest";
import { replayCommand } from "./replay-command.js";

describe("replayCommand", () => {
  it("prints the workflowmaster-chaos replay command for a scenario and seed", () => {
    expect(replayCommand("github/rate-limit", 1234)).toBe(
      "pnpm exec workflowmaster-chaos replay github/rate-limit --seed 1234",
    );
  });

  it("quotes a scenario name that a shell would split", () => {
    expect(replayCommand("kill at 'push'", 7)).toBe(
      "pnpm exec workflowmaster-chaos replay 'kill at '\\''push'\\''' --seed 7",
    );
  });

  it("refuses an empty scenario or a bad seed", () => {
    expect(() => replayCommand(" ", 1)).toThrow(
      new TypeError("replayCommand(scenario, seed) needs a scenario name."),
    );
    expect(() => replayCommand("a", -3)).toThrow(
      new TypeError("replayCommand(scenario, seed) needs a non-negative integer seed, got -3."),
    );
  });
});
