import { describe, expect, it } from "vitest";
import { Direction, type Figure } from "./figure.js";
import { type Baseline, compareFigure, gate } from "./gate.js";

const figure = (
  id: string,
  value: number,
  direction: Direction = Direction.LowerIsBetter,
): Figure => ({
  id,
  suite: "synthetic",
  title: id,
  value,
  direction,
  details: {},
});

const cost = { value: 1.2, tolerance: 0.25 };
const share = { value: 0.8, tolerance: 0.5 };
const baseline: Baseline = {
  figures: {
    cost,
    share,
    count: { value: 1.125, tolerance: 0 },
    difference: { value: 0.03, tolerance: 0, informational: true },
  },
};

/** A remeasure that returns the queued values in order and counts its calls. */
function queued(values: number[]) {
  const calls: string[] = [];
  return {
    calls,
    remeasure: async (previous: Figure) => {
      calls.push(previous.id);
      const value = values.shift();
      if (value === undefined) throw new Error("remeasured more often than the test queued");
      return { ...previous, value };
    },
  };
}

describe("compareFigure", () => {
  it("accepts a cost up to baseline × (1 + tolerance) and refuses anything above", () => {
    expect(compareFigure(figure("cost", 1.5), cost)).toEqual({
      id: "cost",
      value: 1.5,
      baseline: 1.2,
      limit: 1.5,
      ok: true,
    });
    expect(compareFigure(figure("cost", 1.51), cost).ok).toBe(false);
  });

  it("accepts a share down to baseline × (1 - tolerance) and refuses anything below", () => {
    expect(compareFigure(figure("share", 0.4, Direction.HigherIsBetter), share).ok).toBe(true);
    expect(compareFigure(figure("share", 0.39, Direction.HigherIsBetter), share).ok).toBe(false);
  });
});

describe("gate", () => {
  it("passes figures within tolerance without measuring anything again", async () => {
    const fake = queued([]);
    const verdicts = await gate(
      [figure("cost", 1.3), figure("share", 0.7, Direction.HigherIsBetter), figure("count", 1.125)],
      baseline,
      fake,
    );
    expect(verdicts.map((v) => [v.id, v.outcome, v.attempts.length])).toEqual([
      ["cost", "pass", 1],
      ["share", "pass", 1],
      ["count", "pass", 1],
    ]);
    expect(fake.calls).toEqual([]);
  });

  it("measures a figure outside tolerance again and passes it when a repeat is within", async () => {
    const fake = queued([1.6, 1.25]);
    const [verdict] = await gate([figure("cost", 1.9)], baseline, fake);
    expect(verdict?.outcome).toBe("pass-after-repeat");
    expect(verdict?.attempts.map((a) => [a.value, a.ok])).toEqual([
      [1.9, false],
      [1.6, false],
      [1.25, true],
    ]);
    expect(fake.calls).toEqual(["cost", "cost"]);
  });

  it("fails a figure, naming it, when the first measurement and every repeat are outside", async () => {
    const fake = queued([2.1, 2.0]);
    const verdicts = await gate([figure("count", 1.125), figure("cost", 2.2)], baseline, fake);
    expect(verdicts.map((v) => [v.id, v.outcome])).toEqual([
      ["count", "pass"],
      ["cost", "fail"],
    ]);
    expect(verdicts[1]?.attempts.map((a) => a.value)).toEqual([2.2, 2.1, 2.0]);
    expect(fake.calls).toEqual(["cost", "cost"]);
  });

  it("honours the number of repeats it is given", async () => {
    const fake = queued([3]);
    const [verdict] = await gate([figure("cost", 3)], baseline, { ...fake, repeats: 1 });
    expect(verdict?.outcome).toBe("fail");
    expect(verdict?.attempts).toHaveLength(2);
  });

  it("fails a deterministic count that rises at all when its tolerance is zero", async () => {
    const fake = queued([1.13, 1.13]);
    const [verdict] = await gate([figure("count", 1.13)], baseline, fake);
    expect(verdict?.outcome).toBe("fail");
  });

  it("reports informational and unknown figures without failing or measuring them again", async () => {
    const fake = queued([]);
    const verdicts = await gate([figure("difference", 5), figure("new", 9)], baseline, fake);
    expect(verdicts.map((v) => [v.id, v.outcome])).toEqual([
      ["difference", "informational"],
      ["new", "no-baseline"],
    ]);
    expect(fake.calls).toEqual([]);
  });
});
