import { describe, expect, it } from "vitest";
import { buildReport } from "../src/report.js";
import { runSuite } from "../src/runner.js";
import { defineScenario } from "../src/scenario.js";
import { DEFAULT_TARGETS } from "../src/targets.js";
import { runLedgerCase } from "../src/workflows/run-ledger-case.js";
import { SCENARIOS } from "./index.js";

const SEEDS = [1, 2, 3, 4, 5];

describe("the scenario suite", () => {
  // The whole suite under 20 seeds is `pnpm test:chaos`, which `pnpm test`
  // runs after vitest; here the engine-level scenarios, fast, in-process.
  it("passes every engine scenario under five seeds with every declared fault fired", async () => {
    const engine = SCENARIOS.filter((scenario) => scenario.name.startsWith("engine/"));
    expect(engine.length).toBeGreaterThanOrEqual(7);
    const results = await runSuite(engine, { seeds: SEEDS, concurrency: 2 });
    const report = buildReport(engine, results, SEEDS, DEFAULT_TARGETS);
    const failures = results
      .filter((result) => !result.ok)
      .map(
        (result) =>
          `${result.scenario}#${result.seed}: ${JSON.stringify(result.checks)} ${result.crash ?? ""}`,
      );
    expect(failures).toEqual([]);
    expect(report.gate.missed).toEqual([]);
    expect(report.metrics.duplicates).toBe(0);
    expect(report.metrics.dataLoss).toBe(0);
  }, 120_000);

  it("replays a case exactly: the same seed gives the same faults and outcome", async () => {
    const scenario = SCENARIOS.find((s) => s.name === "engine/ghost-writes");
    if (scenario === undefined) throw new Error("engine/ghost-writes is missing from the suite");
    const [first] = await runSuite([scenario], { seeds: [7] });
    const [second] = await runSuite([scenario], { seeds: [7] });
    expect(second?.faults).toEqual(first?.faults);
    expect(second?.observation).toEqual(first?.observation);
  });

  it("fails a scenario as vacuous when its declared fault never fires", async () => {
    const vacuous = defineScenario({
      name: "engine/declares-but-never-injects",
      tags: ["transient"],
      description: "declares a ghost write but injects nothing",
      faults: ["github:ghost-write"],
      expect: "completed",
      run: (context) => runLedgerCase(context),
    });
    const results = await runSuite([vacuous], { seeds: [1, 2] });
    const report = buildReport([vacuous], results, [1, 2], DEFAULT_TARGETS);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(report.scenarios[0]?.vacuous).toEqual(["github:ghost-write"]);
    expect(report.gate.missed).toEqual(["vacuous:engine/declares-but-never-injects"]);
  });

  it("catches a deliberately broken engine, and the printed replay reproduces the failure exactly", async () => {
    const broken = defineScenario({
      name: "engine/ghost-writes-broken-lookup",
      tags: ["transient"],
      description: "ghost writes against a build whose effect lookup is disabled",
      faults: ["github:ghost-write"],
      expect: "completed",
      run: (context) => runLedgerCase(context, { faults: { ghostWrite: 0.5 }, brokenLookup: true }),
    });
    const results = await runSuite([broken], { seeds: SEEDS });
    const failed = results.filter((result) => !result.ok);
    expect(failed.length).toBeGreaterThan(0);
    const first = failed[0];
    if (first === undefined) throw new Error("the broken build was not caught");
    const duplicates = first.checks.find((check) => check.name === "no-duplicates");
    expect(duplicates?.verdict).toBe("fail");
    expect(first.replay).toBe(
      `pnpm exec workflowmaster-chaos replay engine/ghost-writes-broken-lookup --seed ${first.seed}`,
    );
    const [again] = await runSuite([broken], { seeds: [first.seed] });
    expect(again?.ok).toBe(false);
    expect(again?.checks).toEqual(first.checks);
    expect(again?.faults).toEqual(first.faults);
  });
});
