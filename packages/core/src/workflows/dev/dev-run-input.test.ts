import { describe, expect, it } from "vitest";
import { devRunInputProblem, parseDevRunInput } from "./dev-run-input.js";

const valid = {
  title: "Add a greeting",
  body: "line one\n\tline two\r\n",
  repo: "acme/widgets",
  base: "main",
  implement: { command: "make change", inactivityMs: 1000, timeoutMs: 2000 },
};

describe("development run input", () => {
  it("accepts hostile-looking text that is only text", () => {
    for (const title of [
      "$(rm -rf /)",
      "--upload-pack=touch /tmp/x",
      "../../etc",
      "emoji 🚀 ünïcode",
    ]) {
      expect(devRunInputProblem({ ...valid, title })).toBeUndefined();
    }
  });

  it.each([
    [{ title: "" }, "title", "must not be empty"],
    [{ title: "x".repeat(257) }, "title", "must be at most 256 characters (GitHub's limit)"],
    [
      { title: "tab\there" },
      "title",
      "must not contain control characters (found U+0009 at position 4)",
    ],
    [
      { title: "esc\u001b[0m" },
      "title",
      "must not contain control characters (found U+001B at position 4)",
    ],
    [
      { title: "c1\u0085" },
      "title",
      "must not contain control characters (found U+0085 at position 3)",
    ],
    [
      { body: "nul\u0000" },
      "body",
      "must not contain control characters other than tab and line breaks (found U+0000 at position 4)",
    ],
    [{ body: "x".repeat(65_537) }, "body", "must be at most 65536 characters (GitHub's limit)"],
    [{ repo: "../../etc" }, "repo", "must be OWNER/NAME as GitHub spells it"],
    [{ repo: "acme/.." }, "repo", "must be OWNER/NAME as GitHub spells it"],
    [
      { base: "--upload-pack=x" },
      "base",
      "must be a branch name (letters, digits, '.', '_', '/', '-'; not starting with '-')",
    ],
    [
      { base: "a..b" },
      "base",
      "must be a branch name git accepts (no '..', no trailing '/' or '.lock')",
    ],
    [
      { implement: { command: " ", inactivityMs: 1, timeoutMs: 1 } },
      "implement.command",
      "must not be empty",
    ],
  ])("refuses %j, naming %s", (change, field, message) => {
    expect(devRunInputProblem({ ...valid, ...change })).toEqual({ field, message });
  });

  it("throws a TypeError naming the field where the input enters", () => {
    expect(() => parseDevRunInput({ ...valid, base: "" })).toThrow(
      new TypeError("Invalid development run input: base must not be empty."),
    );
  });
});
