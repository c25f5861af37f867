import { isActionable } from "./checkers.js";
import type { CaseResult } from "./runner.js";
import type { Scenario } from "./scenario.js";

export interface Targets {
  /** Share of no-fault cases that complete. */
  successUnderNoFaults: number;
  /** Share of transient-fault cases that end as expected. */
  recoveryFromTransient: number;
  dataLoss: number;
  duplicates: number;
  /** Share of errors shown to a person that carry code, guidance and command. */
  actionableErrors: number;
}

export const DEFAULT_TARGETS: Targets = {
  successUnderNoFaults: 0.99,
  recoveryFromTransient: 0.95,
  dataLoss: 0,
  duplicates: 0,
  actionableErrors: 1,
};

export interface ScenarioSummary {
  name: string;
  cases: number;
  passed: number;
  /** Declared faults that never fired in any seed: the scenario tested nothing. */
  vacuous: string[];
  faultsFired: number;
  virtualMs: { p50: number; p95: number; max: number };
  failures: { seed: number; replay: string; why: string }[];
}

export interface Report {
  schemaVersion: 1;
  seeds: number[];
  metrics: {
    successUnderNoFaults: number;
    recoveryFromTransient: number;
    dataLoss: number;
    duplicates: number;
    actionableErrors: number;
    cases: number;
    failedCases: number;
  };
  targets: Targets;
  missed: string[];
  scenarios: ScenarioSummary[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

const ratio = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);

function why(result: CaseResult): string {
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
  targets: Targets = DEFAULT_TARGETS,
): Report {
  const byScenario = (name: string) => results.filter((result) => result.scenario === name);
  const tagged = (tag: string) =>
    results.filter((result) =>
      scenarios.find((scenario) => scenario.name === result.scenario)?.tags.includes(tag),
    );
  const failedCheck = (result: CaseResult, name: string) =>
    result.checks.some((check) => check.name === name && check.verdict === "fail");

  const baseline = tagged("baseline");
  const transient = tagged("transient");
  const errors = results.flatMap((result) => result.observation?.errors ?? []);
  const metrics = {
    successUnderNoFaults: ratio(baseline.filter((r) => r.ok).length, baseline.length),
    recoveryFromTransient: ratio(transient.filter((r) => r.ok).length, transient.length),
    dataLoss: results.filter((r) =>
      r.checks.some(
        (c) =>
          c.name === "world-matches-state" && c.verdict === "fail" && c.detail?.includes("missing"),
      ),
    ).length,
    duplicates: results.filter((r) => failedCheck(r, "no-duplicates")).length,
    actionableErrors: ratio(errors.filter(isActionable).length, errors.length),
    cases: results.length,
    failedCases: results.filter((r) => !r.ok).length,
  };

  const summaries = scenarios.map((scenario): ScenarioSummary => {
    const cases = byScenario(scenario.name);
    const fired = cases.flatMap((result) => result.faults);
    const vacuous = scenario.faults.filter(
      (declared) => !fired.some((entry) => `${entry.layer}:${entry.fault}` === declared),
    );
    const times = cases.map((result) => result.observation?.virtualMs ?? 0).sort((a, b) => a - b);
    return {
      name: scenario.name,
      cases: cases.length,
      passed: cases.filter((result) => result.ok).length,
      vacuous,
      faultsFired: fired.length,
      virtualMs: {
        p50: percentile(times, 0.5),
        p95: percentile(times, 0.95),
        max: times.at(-1) ?? 0,
      },
      failures: cases
        .filter((result) => !result.ok)
        .map((result) => ({ seed: result.seed, replay: result.replay, why: why(result) })),
    };
  });

  const missed: string[] = [];
  if (metrics.successUnderNoFaults < targets.successUnderNoFaults)
    missed.push("successUnderNoFaults");
  if (metrics.recoveryFromTransient < targets.recoveryFromTransient)
    missed.push("recoveryFromTransient");
  if (metrics.dataLoss > targets.dataLoss) missed.push("dataLoss");
  if (metrics.duplicates > targets.duplicates) missed.push("duplicates");
  if (metrics.actionableErrors < targets.actionableErrors) missed.push("actionableErrors");
  for (const summary of summaries) {
    if (summary.vacuous.length > 0) missed.push(`vacuous:${summary.name}`);
    if (summary.passed < summary.cases) missed.push(`failed:${summary.name}`);
  }
  return { schemaVersion: 1, seeds: [...seeds], metrics, targets, missed, scenarios: summaries };
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const duration = (ms: number) =>
  ms >= 3_600_000
    ? `${(ms / 3_600_000).toFixed(2)} h`
    : ms >= 60_000
      ? `${(ms / 60_000).toFixed(1)} min`
      : `${(ms / 1000).toFixed(1)} s`;

/** Markdown that fits a pull-request comment or a CI step summary. */
export function renderMarkdown(report: Report): string {
  const m = report.metrics;
  const t = report.targets;
  const mark = (good: boolean) => (good ? "✅" : "❌");
  const lines = [
    "# WorkflowMaster reliability report",
    "",
    `${m.cases} cases (${report.scenarios.length} scenarios × ${report.seeds.length} seeds), ${m.failedCases} failed.`,
    "",
    "| metric | measured | target | |",
    "|---|---|---|---|",
    `| success under no faults | ${pct(m.successUnderNoFaults)} | ≥ ${pct(t.successUnderNoFaults)} | ${mark(m.successUnderNoFaults >= t.successUnderNoFaults)} |`,
    `| recovery from transient faults | ${pct(m.recoveryFromTransient)} | ≥ ${pct(t.recoveryFromTransient)} | ${mark(m.recoveryFromTransient >= t.recoveryFromTransient)} |`,
    `| cases with data loss | ${m.dataLoss} | ${t.dataLoss} | ${mark(m.dataLoss <= t.dataLoss)} |`,
    `| cases with duplicates | ${m.duplicates} | ${t.duplicates} | ${mark(m.duplicates <= t.duplicates)} |`,
    `| actionable errors | ${pct(m.actionableErrors)} | ${pct(t.actionableErrors)} | ${mark(m.actionableErrors >= t.actionableErrors)} |`,
    "",
    "| scenario | passed | faults fired | virtual time p50 / p95 / max |",
    "|---|---|---|---|",
    ...report.scenarios.map(
      (s) =>
        `| ${s.name} | ${s.passed}/${s.cases}${s.vacuous.length > 0 ? ` (vacuous: ${s.vacuous.join(", ")})` : ""} | ${s.faultsFired} | ${duration(s.virtualMs.p50)} / ${duration(s.virtualMs.p95)} / ${duration(s.virtualMs.max)} |`,
    ),
  ];
  const failures = report.scenarios.flatMap((s) => s.failures.map((f) => ({ ...f, name: s.name })));
  if (failures.length > 0) {
    lines.push("", "## Failures", "");
    for (const failure of failures) {
      lines.push(
        `- **${failure.name}** seed ${failure.seed}: ${failure.why}`,
        `  replay: \`${failure.replay}\``,
      );
    }
  }
  lines.push(
    "",
    report.missed.length === 0 ? "All targets met." : `Missed: ${report.missed.join(", ")}.`,
    "",
  );
  return lines.join("\n");
}
