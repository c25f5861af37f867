import { describe, expect, it } from "vitest";
import { slugifyTitle } from "./slugify-title.js";

describe("slugifyTitle", () => {
  it("keeps ASCII letters and digits, lowercased, with single hyphens between words", () => {
    expect(slugifyTitle("  Fix: the #42 BUG -- now!  ", 48)).toBe("fix-the-42-bug-now");
  });

  it("keeps the base letter of accented letters and drops other scripts", () => {
    expect(slugifyTitle("Crème brûlée für Ærø, Łódź, Straße 日本", 48)).toBe(
      "creme-brulee-fur-aero-lodz-strasse",
    );
  });

  it("cuts at a word boundary near the limit, else at the limit, never ending in a hyphen", () => {
    expect(slugifyTitle("alpha beta gamma delta", 16)).toBe("alpha-beta-gamma");
    expect(slugifyTitle("alpha beta gamma delta", 15)).toBe("alpha-beta");
    expect(slugifyTitle("abcdefghijklmnopqrstuvwxyz", 10)).toBe("abcdefghij");
  });

  it("returns an empty string when nothing usable is left", () => {
    expect(slugifyTitle("@{}..~^:", 48)).toBe("");
  });
});
