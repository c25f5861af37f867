import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SCENARIOS } from "../scenarios/index.js";
import { runSuite } from "./runner.js";
import { DEFAULT_TARGETS, loadTargets } from "./targets.js";
import { readCases, writeReport } from "./write-report.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-report-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const schema = JSON.parse(
  await readFile(new URL("../../../reports/report.schema.json", import.meta.url), "utf8"),
) as object;

describe("report.json", () => {
  it("matches the published JSON Schema, and shards merge into the same report", async () => {
    const scenarios = SCENARIOS.slice(0, 3);
    const seeds = [1, 2];
    const cases = await runSuite(scenarios, { seeds });
    const whole = await writeReport(join(dir, "whole"), scenarios, cases, seeds, DEFAULT_TARGETS);
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    const file = JSON.parse(await readFile(join(dir, "whole", "report.json"), "utf8"));
    expect(validate(file) ? [] : validate.errors).toEqual([]);

    await writeReport(
      join(dir, "a"),
      scenarios,
      cases.filter((_, i) => i % 2 === 0),
      seeds,
      DEFAULT_TARGETS,
    );
    await writeReport(
      join(dir, "b"),
      scenarios,
      cases.filter((_, i) => i % 2 === 1),
      seeds,
      DEFAULT_TARGETS,
    );
    const merged = await readCases([join(dir, "a"), join(dir, "b")]);
    expect(merged.seeds).toEqual(seeds);
    const again = await writeReport(
      join(dir, "merged"),
      scenarios,
      merged.cases,
      merged.seeds,
      DEFAULT_TARGETS,
    );
    expect(again.report.metrics).toEqual(whole.report.metrics);
    expect(again.report.scenarios.map((s) => [s.name, s.runs, s.passed])).toEqual(
      whole.report.scenarios.map((s) => [s.name, s.runs, s.passed]),
    );
  });
});

describe("targets", () => {
  it("uses the brief's defaults when there is no config file", async () => {
    expect(await loadTargets(join(dir, "absent.json"))).toEqual(DEFAULT_TARGETS);
    expect(DEFAULT_TARGETS).toEqual({
      successUnderNoFaults: 0.99,
      recoveryFromTransient: 0.95,
      dataLoss: 0,
      duplicates: 0,
      actionableErrors: 1,
      interventions: 0.1,
      timeToDetectMs: 30_000,
      timeToRecoverMs: 120_000,
    });
  });

  it("refuses a malformed config, naming the field", async () => {
    const path = join(dir, "bad.json");
    await import("node:fs/promises").then((fs) =>
      fs.writeFile(path, JSON.stringify({ targets: { duplicates: -1 } })),
    );
    await expect(loadTargets(path)).rejects.toThrow(`${path}: targets.duplicates`);
  });

  it("reads the repository's chaos.config.json as the defaults", async () => {
    expect(
      await loadTargets(new URL("../../../chaos.config.json", import.meta.url).pathname),
    ).toEqual(DEFAULT_TARGETS);
  });
});
