import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SCENARIOS } from "../scenarios/index.js";
import { suiteResources } from "./resources.js";
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

describe("report.json resources", () => {
  it("records wall time, runs per second and peak RSS, valid against the schema and shown in report.md and report.html", async () => {
    const scenarios = SCENARIOS.slice(0, 1);
    const cases = await runSuite(scenarios, { seeds: [1] });
    const resources = suiteResources({
      wallMs: 2_000,
      runs: 4,
      workers: 2,
      workerPeakRssBytes: 150 * 1024 * 1024,
    });
    const { markdown } = await writeReport(dir, scenarios, cases, [1], DEFAULT_TARGETS, resources);
    const file = JSON.parse(await readFile(join(dir, "report.json"), "utf8"));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(file) ? [] : validate.errors).toEqual([]);
    expect(file.resources).toEqual({
      wallMs: 2_000,
      runs: 4,
      runsPerSecond: 2,
      workers: 2,
      peakRssBytes: { parent: resources.peakRssBytes.parent, worker: 157_286_400 },
    });
    expect(resources.peakRssBytes.parent).toBe(process.resourceUsage().maxRSS * 1024);
    const parentMib = (resources.peakRssBytes.parent / 1024 / 1024).toFixed(0);
    expect(markdown).toContain(
      `4 runs in 2.0 s on 2 workers (2.00 runs/s); peak RSS ${parentMib} MiB (suite), 150 MiB (largest worker).`,
    );
    expect(await readFile(join(dir, "report.html"), "utf8")).toContain(
      `<p id="resources" class="muted">4 runs in 2.0 s (real) on 2 workers: 2.00 runs/s; peak RSS ${parentMib} MiB (suite), 150 MiB (largest worker).</p>`,
    );
  });

  it("leaves the block out of a report given none, as merged shards are", async () => {
    const scenarios = SCENARIOS.slice(0, 1);
    const cases = await runSuite(scenarios, { seeds: [1] });
    const { report, markdown } = await writeReport(dir, scenarios, cases, [1], DEFAULT_TARGETS);
    expect("resources" in report).toBe(false);
    expect(markdown).not.toContain("peak RSS");
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
