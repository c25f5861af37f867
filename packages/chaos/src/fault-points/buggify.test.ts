import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { createSeed } from "../seed/create-seed.js";
import type { Random } from "../seed/random.js";
import { type BuggifyOptions, createBuggify } from "./buggify.js";
import { isChaosCrash } from "./chaos-crash.js";

const POINTS = Array.from({ length: 40 }, (_, i) => `point.${i}`);

function setup(options: Omit<BuggifyOptions, "journal">) {
  const clock = createVirtualClock();
  const journal = createFaultJournal(clock);
  const buggify = createBuggify({ ...options, journal });
  return { clock, journal, buggify };
}

async function outcome(hit: Promise<void>): Promise<string> {
  try {
    await hit;
    return "ok";
  } catch (error) {
    // Only an injected crash is an outcome; anything else fails the test.
    if (isChaosCrash(error)) return "crash";
    throw error;
  }
}

/** Every point hit 50 times, round-robin, under BUGGIFY defaults. */
async function run(root: number) {
  const { journal, buggify } = setup({ random: createSeed(root).stream("buggify") });
  for (let round = 0; round < 50; round++) {
    for (const point of POINTS) await outcome(buggify.hit(point));
  }
  return { journal, buggify };
}

/** A Random that returns the given values in order, and counts the draws. */
function scripted(values: number[]): Random & { draws: number } {
  const source = {
    draws: 0,
    next() {
      const value = values[source.draws];
      source.draws += 1;
      if (value === undefined) throw new Error("The scripted Random ran out of values.");
      return value;
    },
  };
  return source;
}

describe("createBuggify: activation once per run", () => {
  it("fires only at activated points, and at each of them at least once over 50 hits", async () => {
    const { journal, buggify } = await run(7);
    const fired = new Set(journal.entries().map((entry) => entry.target));
    expect(buggify.activated().length).toBeGreaterThan(0);
    expect(buggify.activated().length).toBeLessThan(POINTS.length);
    expect([...fired].sort()).toEqual([...buggify.activated()].sort());
  });

  it("draws the activation once per point and the firing once per hit of an active point", async () => {
    // point.a: activated (0.1 < 0.25), fires (0.2), stays quiet (0.9);
    // point.b: not activated (0.5) and never draws again.
    const random = scripted([0.1, 0.2, 0.5, 0.9]);
    const { buggify } = setup({ random });
    expect(await outcome(buggify.hit("point.a"))).toBe("crash");
    expect(await outcome(buggify.hit("point.b"))).toBe("ok");
    expect(await outcome(buggify.hit("point.a"))).toBe("ok");
    expect(await outcome(buggify.hit("point.b"))).toBe("ok");
    expect(await outcome(buggify.hit("point.b"))).toBe("ok");
    expect(random.draws).toBe(4);
    expect(buggify.activated()).toEqual(["point.a"]);
  });

  it("uses 0.25 for both probabilities by default, strictly below", async () => {
    const random = scripted([0.25, 0.2499, 0.25, 0.2499]);
    const { buggify } = setup({ random });
    expect(await outcome(buggify.hit("quiet"))).toBe("ok");
    expect(await outcome(buggify.hit("active"))).toBe("ok");
    expect(await outcome(buggify.hit("active"))).toBe("crash");
    expect(buggify.activated()).toEqual(["active"]);
  });

  it("never fires with activateProbability 0 and always fires with both at 1", async () => {
    const off = setup({ random: createSeed(1).stream("buggify"), activateProbability: 0 });
    const on = setup({
      random: createSeed(1).stream("buggify"),
      activateProbability: 1,
      fireProbability: 1,
    });
    for (const point of POINTS) {
      expect(await outcome(off.buggify.hit(point))).toBe("ok");
      expect(await outcome(on.buggify.hit(point))).toBe("crash");
    }
    expect(off.journal.fired()).toBe(0);
    expect(on.journal.fired("engine", "throw")).toBe(POINTS.length);
  });
});

describe("createBuggify: determinism", () => {
  it("writes an identical fault journal for the same seed", async () => {
    const first = await run(7);
    const second = await run(7);
    expect(first.journal.fired()).toBeGreaterThan(0);
    expect(second.journal.toNdjson()).toBe(first.journal.toNdjson());
    expect(second.buggify.activated()).toEqual(first.buggify.activated());
  });

  it("activates different points and writes different journals for different seeds", async () => {
    const a = await run(7);
    const b = await run(8);
    expect(b.buggify.activated()).not.toEqual(a.buggify.activated());
    expect(b.journal.toNdjson()).not.toBe(a.journal.toNdjson());
  });
});

describe("createBuggify: journal and hits", () => {
  it("journals each firing with the point, the hit and the context", async () => {
    const { journal, buggify } = setup({
      random: scripted([0, 0.9, 0]),
      action: { delayMs: 2000 },
      clock: createVirtualClock(),
    });
    await buggify.hit("github.issue.created", { phase: "issue", runId: "r1" });
    await buggify.hit("github.issue.created", { phase: "issue", runId: "r1" });
    expect(journal.entries()).toEqual([
      {
        seq: 1,
        at: "2026-01-01T00:00:00.000Z",
        layer: "engine",
        fault: "delay",
        target: "github.issue.created",
        outcome: "delayed",
        detail: { by: "buggify", hit: 2, phase: "issue", runId: "r1", delayMs: 2000 },
      },
    ]);
    expect(buggify.hits()).toEqual({ "github.issue.created": 2 });
  });

  it("delays on the injected clock", async () => {
    const clock = createVirtualClock();
    const journal = createFaultJournal(clock);
    const buggify = createBuggify({
      random: scripted([0, 0, 0]),
      journal,
      action: { delayMs: 500 },
      clock,
    });
    await buggify.hit("state.lock.acquired");
    await buggify.hit("state.lock.acquired");
    expect(clock.elapsed).toBe(1000);
  });

  it("counts every hit per point so a suite can enumerate the points reached", async () => {
    const { buggify } = await run(7);
    expect(Object.keys(buggify.hits())).toEqual(POINTS);
    expect(Object.values(buggify.hits()).every((count) => count === 50)).toBe(true);
  });
});

describe("createBuggify: validation", () => {
  const random = createSeed(1).stream("buggify");

  it("refuses a probability outside [0, 1], naming the field", () => {
    expect(() => setup({ random, activateProbability: 2 })).toThrow(
      new TypeError(
        "Invalid createBuggify options: activateProbability: must be <= 1. Please fix the fields named.",
      ),
    );
    expect(() => setup({ random, fireProbability: "often" as never })).toThrow(
      new TypeError(
        "Invalid createBuggify options: fireProbability: must be a number between 0 and 1 (the chance an active point fires per hit). Please fix the fields named.",
      ),
    );
  });

  it("refuses a delay action without a clock", () => {
    expect(() => setup({ random, action: { delayMs: 10 } })).toThrow(
      new TypeError(
        "Invalid createBuggify options: action: a delay needs a clock. Please pass options.clock (the run's virtual clock).",
      ),
    );
  });
});
