import { describe, expect, it } from "vitest";
import { createSeededRandom } from "../../seed/seeded-random.js";
import type { GithubFaultRule } from "./github-fault-rule.js";
import { createGithubFaultRules } from "./github-fault-rules.js";

const at = (endpoint: string, method = "POST", path = "/repos/o/r/issues", now = 0) => ({
  endpoint,
  method,
  path,
  now,
});
const drop = { kind: "drop-connection" } as const;
const fired = (
  rules: ReturnType<typeof createGithubFaultRules>,
  count: number,
  target = at("issues.create"),
) => Array.from({ length: count }, () => rules.select(target)?.by ?? "-");

describe("ordered rules, first match wins", () => {
  it("fires the first rule whose filters, count and probability hold", () => {
    const rules = createGithubFaultRules(
      [
        { endpoint: "pulls.create", fault: drop },
        { endpoint: /^issues\./, method: "POST", fault: { kind: "server-error" } },
        { endpoint: "issues.create", fault: drop },
      ],
      createSeededRandom(1),
    );
    expect(rules.select(at("issues.create"))).toEqual({
      fault: { kind: "server-error" },
      by: "rules[1]",
    });
    expect(rules.select(at("issues.get", "GET"))).toEqual(undefined);
  });

  it("counts every targeted request for nth, fires times, and defaults to once with nth", () => {
    const rules = createGithubFaultRules(
      [
        { endpoint: "issues.create", nth: 2, times: 2, fault: drop },
        { endpoint: "issues.create", nth: 5, fault: drop },
      ],
      createSeededRandom(1),
    );
    expect(fired(rules, 7)).toEqual(["-", "rules[0]", "rules[0]", "-", "rules[1]", "-", "-"]);
  });

  it("matches a path glob and a virtual-time window [from, until)", () => {
    const rules = createGithubFaultRules(
      [{ path: "/repos/o/r/git/ref/*", from: 1000, until: 2000, fault: drop }],
      createSeededRandom(1),
    );
    const ref = (now: number) => at("git.getRef", "GET", "/repos/o/r/git/ref/heads%2Fmain", now);
    expect(rules.select(ref(999))).toBe(undefined);
    expect(rules.select(ref(1000))?.by).toBe("rules[0]");
    expect(rules.select(ref(1999))?.by).toBe("rules[0]");
    expect(rules.select(ref(2000))).toBe(undefined);
    expect(rules.select(at("git.getRef", "GET", "/repos/o/other/git/ref/x", 1500))).toBe(undefined);
  });
});

describe("use and reset", () => {
  it("puts overrides in front and restores the initial list with fresh counts", () => {
    const rules = createGithubFaultRules([{ nth: 1, fault: drop }], createSeededRandom(1));
    expect(fired(rules, 2)).toEqual(["rules[0]", "-"]);
    rules.use({ fault: { kind: "token-revoked" } }, { fault: drop });
    expect(rules.select(at("x"))).toEqual({ fault: { kind: "token-revoked" }, by: "override[0]" });
    rules.reset();
    expect(fired(rules, 2)).toEqual(["rules[0]", "-"]);
  });

  it("refuses a malformed rule, naming the field", () => {
    const bad = [
      { fault: { kind: "server-error", status: 418 }, nth: 0 },
    ] as unknown as GithubFaultRule[];
    expect(() => createGithubFaultRules(bad, createSeededRandom(1))).toThrow(
      "Invalid GitHub fault rules: [0].fault.status: must be 500, 502 or 503; [0].nth: must be a positive integer (1 is the first request). Please fix the fields named.",
    );
    const rules = createGithubFaultRules([], createSeededRandom(1));
    expect(() => rules.use({ fault: drop, from: 5, until: 5 })).toThrow(
      "Invalid faults.use(...rules): [0].until: must be later than from. Please fix the fields named.",
    );
  });
});

describe("probability", () => {
  it("draws from the seeded stream, so the same seed fires on the same requests", () => {
    const run = (seed: number) =>
      fired(
        createGithubFaultRules([{ probability: 0.3, fault: drop }], createSeededRandom(seed)),
        40,
      ).join("");
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
    expect(run(7)).toBe(
      "-rules[0]rules[0]--rules[0]rules[0]rules[0]rules[0]rules[0]rules[0]----rules[0]-rules[0]rules[0]-----rules[0]--rules[0]--rules[0]-----rules[0]--rules[0]",
    );
  });
});
