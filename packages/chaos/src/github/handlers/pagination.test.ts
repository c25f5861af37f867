import { describe, expect, it } from "vitest";
import { paginate } from "./pagination.js";

const items = Array.from({ length: 7 }, (_, index) => index + 1);
const base = "https://api.github.com/repos/o/r/issues?state=all";

describe("GitHub pagination", () => {
  it("links next and last from the first page, keeping the other query parameters", () => {
    expect(paginate(items, new URL(`${base}&per_page=3`))).toEqual({
      items: [1, 2, 3],
      link:
        '<https://api.github.com/repos/o/r/issues?state=all&per_page=3&page=2>; rel="next", ' +
        '<https://api.github.com/repos/o/r/issues?state=all&per_page=3&page=3>; rel="last"',
    });
  });

  it("links prev, next, last and first from a middle page, and prev and first from the last", () => {
    expect(paginate(items, new URL(`${base}&per_page=3&page=2`)).link).toBe(
      '<https://api.github.com/repos/o/r/issues?state=all&per_page=3&page=1>; rel="prev", ' +
        '<https://api.github.com/repos/o/r/issues?state=all&per_page=3&page=3>; rel="next", ' +
        '<https://api.github.com/repos/o/r/issues?state=all&per_page=3&page=3>; rel="last", ' +
        '<https://api.github.com/repos/o/r/issues?state=all&per_page=3&page=1>; rel="first"',
    );
    expect(paginate(items, new URL(`${base}&per_page=3&page=3`))).toEqual({
      items: [7],
      link:
        '<https://api.github.com/repos/o/r/issues?state=all&per_page=3&page=2>; rel="prev", ' +
        '<https://api.github.com/repos/o/r/issues?state=all&per_page=3&page=1>; rel="first"',
    });
  });

  it("sends no link when one page holds everything, defaults to 30 and caps per_page at 100", () => {
    expect(paginate(items, new URL(base))).toEqual({ items });
    const many = Array.from({ length: 250 }, (_, index) => index);
    expect(paginate(many, new URL(base)).items.length).toBe(30);
    expect(paginate(many, new URL(`${base}&per_page=500`)).items.length).toBe(100);
    expect(paginate(many, new URL(`${base}&per_page=abc`)).items.length).toBe(30);
  });
});
