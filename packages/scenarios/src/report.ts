import { isActionable } from "./checkers.js";
import type { SuiteResources } from "./resources.js";
import type { CaseResult } from "./runner.js";
import type { Scenario } from "./scenario.js";
import type { Targets } from "./targets.js";

export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

export interface ScenarioSummary {
  name: string;
  tags: string[];
  runs: number;
  passed: number;
  /** Declared faults that never fired in any seed: the scenario tested nothing. */
  vacuous: string[];
  faultsFired: number;
  virtualMs: Distribution;
  failures: { seed: number; replay: string; reason: string }[];
}

export interface Metrics {
  successUnderNoFaults: number;
  recoveryFromTransient: number;
  dataLoss: number;
  duplicates: number;
  actionableErrors: number;
  /** Share of transient-fault runs that needed a person. */
  interventions: number;
  /** Share of all fault runs that needed a person (information, not gated). */
  interventionsAllFaults: number;
  timeToDetectMs: Distribution;
  timeToRecoverMs: Distribution;
  runs: number;
  failedRuns: number;
}

/** `report.json`: its JSON Schema is `reports/report.schema.json`. */
export interface Report {
  schemaVersion: 1;
  seeds: number[];
  targets: Targets;
  metrics: Metrics;
  gate: { passed: boolean; missed: string[] };
  scenarios: ScenarioSummary[];
  /** What the run cost the machine; absent from merged shard reports. */
  resources?: SuiteResources;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length === 0
      ? 0
      : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
}

const ratio = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);

function reason(result: CaseResult): string {
  if (result.crash !== undefined) return `crashed: ${result.crash.split("\n")[0]}`;
  return result.checks
    .filter((check) => check.verdict === "fail")
    .map((check) => `${check.name}: ${check.detail ?? ""}`)
    .join("; ");
}

export function buildReport(
  scenarios: readonly Scenario[],
  results: readonly CaseResult[],
  seeds: readonly number[],
  targets: Targets,
  resources?: SuiteResources,
): Report {
  const tagsOf = (name: string) => scenarios.find((s) => s.name === name)?.tags ?? [];
  const tagged = (tag: string) => results.filter((r) => tagsOf(r.scenario).includes(tag));
  const failed = (r: CaseResult, check: string) =>
    r.checks.some((c) => c.name === check && c.verdict === "fail");

  const baseline = tagged("baseline");
  const transient = tagged("transient");
  const faulted = results.filter((r) => r.faults.length > 0);
  const errors = results.flatMap((r) => r.observation?.errors ?? []);
  const observations = results.flatMap((r) => (r.observation === undefined ? [] : [r.observation]));
  const metrics: Metrics = {
    successUnderNoFaults: ratio(baseline.filter((r) => r.ok).length, baseline.length),
    recoveryFromTransient: ratio(transient.filter((r) => r.ok).length, transient.length),
    dataLoss: results.filter((r) =>
      r.checks.some(
        (c) =>
          c.name === "world-matches-state" && c.verdict === "fail" && c.detail?.includes("missing"),
      ),
    ).length,
    duplicates: results.filter((r) => failed(r, "no-duplicates")).length,
    actionableErrors: ratio(errors.filter(isActionable).length, errors.length),
    // Gated on the faults the engine should clear alone (`transient`): a
    // person needed there is an unnecessary intervention. Disk full, a
    // revoked token or a merge in progress need a person by design; their
    // share is reported (`interventionsAllFaults`) but depends only on the
    // scenario mix, so it is not gated; their errors must be actionable.
    interventions:
      transient.length === 0
        ? 0
        : transient.filter((r) => r.observation?.neededPerson === true).length / transient.length,
    interventionsAllFaults:
      faulted.length === 0
        ? 0
        : faulted.filter((r) => r.observation?.neededPerson === true).length / faulted.length,
    timeToDetectMs: distribution(
      observations.flatMap((o) => (o.detectMs === undefined ? [] : [o.detectMs])),
    ),
    timeToRecoverMs: distribution(
      transient.flatMap((r) =>
        r.ok && r.observation?.recoverMs !== undefined ? [r.observation.recoverMs] : [],
      ),
    ),
    runs: results.length,
    failedRuns: results.filter((r) => !r.ok).length,
  };

  const summaries = scenarios.map((scenario): ScenarioSummary => {
    const cases = results.filter((r) => r.scenario === scenario.name);
    const fired = cases.flatMap((r) => r.faults);
    return {
      name: scenario.name,
      tags: [...scenario.tags],
      runs: cases.length,
      passed: cases.filter((r) => r.ok).length,
      vacuous: scenario.faults.filter(
        (declared) => !fired.some((entry) => `${entry.layer}:${entry.fault}` === declared),
      ),
      faultsFired: fired.length,
      virtualMs: distribution(cases.map((r) => r.observation?.virtualMs ?? 0)),
      failures: cases
        .filter((r) => !r.ok)
        .map((r) => ({ seed: r.seed, replay: r.replay, reason: reason(r) })),
    };
  });

  const missed: string[] = [];
  const below = (name: keyof Targets, value: number) => {
    if (value < (targets[name] as number)) missed.push(name);
  };
  const above = (name: keyof Targets, value: number) => {
    if (value > (targets[name] as number)) missed.push(name);
  };
  below("successUnderNoFaults", metrics.successUnderNoFaults);
  below("recoveryFromTransient", metrics.recoveryFromTransient);
  above("dataLoss", metrics.dataLoss);
  above("duplicates", metrics.duplicates);
  below("actionableErrors", metrics.actionableErrors);
  above("interventions", metrics.interventions);
  above("timeToDetectMs", metrics.timeToDetectMs.p95);
  above("timeToRecoverMs", metrics.timeToRecoverMs.p95);
  for (const summary of summaries) {
    if (summary.vacuous.length > 0) missed.push(`vacuous:${summary.name}`);
    if (summary.passed < summary.runs) missed.push(`failed:${summary.name}`);
  }
  return {
    schemaVersion: 1,
    seeds: [...seeds],
    targets,
    metrics,
    gate: { passed: missed.length === 0, missed },
    scenarios: summaries,
    ...(resources === undefined ? {} : { resources }),
  };
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const duration = (ms: number) =>
  ms >= 3_600_000
    ? `${(ms / 3_600_000).toFixed(2)} h`
    : ms >= 60_000
      ? `${(ms / 60_000).toFixed(1)} min`
      : `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const spread = (d: Distribution) => `${duration(d.p50)} / ${duration(d.p95)} / ${duration(d.max)}`;

/** Markdown that fits a pull-request comment or a CI step summary. */
export function renderMarkdown(report: Report): string {
  const m = report.metrics;
  const t = report.targets;
  const mark = (good: boolean) => (good ? "✅" : "❌");
  const lines = [
    "# WorkflowMaster reliability report",
    "",
    `${m.runs} runs (${report.scenarios.length} scenarios × ${report.seeds.length} seeds), ${m.failedRuns} failed.`,
    "",
    ...(report.resources === undefined
      ? []
      : [
          `${report.resources.runs} runs in ${(report.resources.wallMs / 1000).toFixed(1)} s on ${report.resources.workers} workers (${report.resources.runsPerSecond.toFixed(2)} runs/s); peak RSS ${mib(report.resources.peakRssBytes.parent)} (suite), ${mib(report.resources.peakRssBytes.worker)} (largest worker).`,
          "",
        ]),
    "| metric | measured | target | |",
    "|---|---|---|---|",
    `| success under no faults | ${pct(m.successUnderNoFaults)} | ≥ ${pct(t.successUnderNoFaults)} | ${mark(m.successUnderNoFaults >= t.successUnderNoFaults)} |`,
    `| recovery from transient faults | ${pct(m.recoveryFromTransient)} | ≥ ${pct(t.recoveryFromTransient)} | ${mark(m.recoveryFromTransient >= t.recoveryFromTransient)} |`,
    `| runs with data loss | ${m.dataLoss} | ≤ ${t.dataLoss} | ${mark(m.dataLoss <= t.dataLoss)} |`,
    `| runs with duplicates | ${m.duplicates} | ≤ ${t.duplicates} | ${mark(m.duplicates <= t.duplicates)} |`,
    `| actionable errors | ${pct(m.actionableErrors)} | ≥ ${pct(t.actionableErrors)} | ${mark(m.actionableErrors >= t.actionableErrors)} |`,
    `| transient-fault runs needing a person | ${pct(m.interventions)} | ≤ ${pct(t.interventions)} | ${mark(m.interventions <= t.interventions)} |`,
    `| all fault runs needing a person (by design for disk, auth, git damage; not gated) | ${pct(m.interventionsAllFaults)} | — | |`,
    `| time to detect (p50 / p95 / max) | ${spread(m.timeToDetectMs)} | p95 ≤ ${duration(t.timeToDetectMs)} | ${mark(m.timeToDetectMs.p95 <= t.timeToDetectMs)} |`,
    `| time to recover (p50 / p95 / max) | ${spread(m.timeToRecoverMs)} | p95 ≤ ${duration(t.timeToRecoverMs)} | ${mark(m.timeToRecoverMs.p95 <= t.timeToRecoverMs)} |`,
    "",
    "| scenario | passed | faults fired | virtual time p50 / p95 / max |",
    "|---|---|---|---|",
    ...report.scenarios.map(
      (s) =>
        `| ${s.name} | ${s.passed}/${s.runs}${s.vacuous.length > 0 ? ` (vacuous: ${s.vacuous.join(", ")})` : ""} | ${s.faultsFired} | ${spread(s.virtualMs)} |`,
    ),
  ];
  const failures = report.scenarios.flatMap((s) => s.failures.map((f) => ({ ...f, name: s.name })));
  if (failures.length > 0) {
    lines.push("", "## Failures", "");
    for (const failure of failures) {
      lines.push(
        `- **${failure.name}** seed ${failure.seed}: ${failure.reason}`,
        `  replay: \`${failure.replay}\``,
      );
    }
  }
  lines.push(
    "",
    report.gate.passed ? "All targets met." : `Missed: ${report.gate.missed.join(", ")}.`,
    "",
  );
  return lines.join("\n");
}
