import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Distribution, Report } from "./report.js";
import type { CaseResult } from "./runner.js";
import type { Targets } from "./targets.js";

/** A histogram of virtual durations: equal-width bins from 0 to the largest value. */
export interface Histogram {
  /** `"0–10 s"`, `"10–20 s"` …, one per bin. */
  labels: string[];
  counts: number[];
  /** Bins that start at or past the target: the page colours them apart. */
  pastTarget: boolean[];
  binMs: number;
  targetMs: number;
  distribution: Distribution;
}

/** Passed and failed runs per label, for stacked bars. */
export interface PassFailBars {
  labels: string[];
  passed: number[];
  failed: number[];
}

/** What the page's charts draw; embedded in `report.html` as JSON. */
export interface HtmlChartData {
  /** `recoverMs` of the transient cases that recovered (the cases `timeToRecoverMs` measures). */
  recover: Histogram;
  /** `detectMs` of every case that measured one (the cases `timeToDetectMs` measures). */
  detect: Histogram;
  /** Per `layer:fault` class fired: runs that passed and failed with it. */
  faultClasses: PassFailBars;
  /** Per scenario: runs that passed and failed. */
  scenarios: PassFailBars;
}

/** The class of the runs where no fault fired (a `layer:fault` always has a colon). */
export const NO_FAULT_CLASS = "no fault fired";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Bin widths a reader takes in at a glance; past the last, widths double. */
const NICE_WIDTHS = [
  100,
  200,
  500,
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];
const MAX_BINS = 12;

const trim = (value: number) => String(Number(value.toFixed(2)));

/** One unit for every label of a histogram, so the axis reads as one scale. */
function unitFor(topMs: number): { name: string; ms: number } {
  if (topMs <= SECOND) return { name: "ms", ms: 1 };
  if (topMs <= 2 * MINUTE) return { name: "s", ms: SECOND };
  if (topMs <= 3 * HOUR) return { name: "min", ms: MINUTE };
  return { name: "h", ms: HOUR };
}

/** Human duration for notes and the metrics table. */
export function formatDuration(ms: number): string {
  if (ms < SECOND) return `${trim(ms)} ms`;
  if (ms < MINUTE) return `${trim(ms / SECOND)} s`;
  if (ms < HOUR) return `${trim(ms / MINUTE)} min`;
  return `${trim(ms / HOUR)} h`;
}

/** Bins `values` (virtual ms) into at most 12 equal bins of a nice width, starting at 0. */
export function histogram(
  values: readonly number[],
  targetMs: number,
  distribution: Distribution,
): Histogram {
  const empty = { binMs: 0, targetMs, distribution };
  if (values.length === 0) return { labels: [], counts: [], pastTarget: [], ...empty };
  const max = Math.max(...values);
  let width = NICE_WIDTHS.find((w) => Math.floor(max / w) + 1 <= MAX_BINS);
  if (width === undefined) {
    width = NICE_WIDTHS.at(-1) ?? HOUR;
    while (Math.floor(max / width) + 1 > MAX_BINS) width *= 2;
  }
  const bins = Math.floor(max / width) + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) {
    const index = Math.floor(value / width);
    counts[index] = (counts[index] ?? 0) + 1;
  }
  const unit = unitFor(bins * width);
  const labels = counts.map(
    (_, i) => `${trim((i * width) / unit.ms)}–${trim(((i + 1) * width) / unit.ms)} ${unit.name}`,
  );
  const pastTarget = counts.map((_, i) => i * width >= targetMs);
  return { labels, counts, pastTarget, ...empty, binMs: width };
}

/** The data behind the four charts, from the report and its cases. */
export function htmlChartData(report: Report, cases: readonly CaseResult[]): HtmlChartData {
  // Same selections as buildReport, so each chart's count matches its metric.
  const transient = new Set(
    report.scenarios.filter((s) => s.tags.includes("transient")).map((s) => s.name),
  );
  const recoverMs = cases.flatMap((c) =>
    transient.has(c.scenario) && c.ok && c.observation?.recoverMs !== undefined
      ? [c.observation.recoverMs]
      : [],
  );
  const detectMs = cases.flatMap((c) =>
    c.observation?.detectMs === undefined ? [] : [c.observation.detectMs],
  );

  const byClass = new Map<string, { passed: number; failed: number }>();
  for (const result of cases) {
    const classes = new Set(result.faults.map((entry) => `${entry.layer}:${entry.fault}`));
    if (classes.size === 0) classes.add(NO_FAULT_CLASS);
    for (const name of classes) {
      const tally = byClass.get(name) ?? { passed: 0, failed: 0 };
      if (result.ok) tally.passed += 1;
      else tally.failed += 1;
      byClass.set(name, tally);
    }
  }
  const classNames = [...byClass.keys()].sort((a, b) =>
    a === NO_FAULT_CLASS ? -1 : b === NO_FAULT_CLASS ? 1 : a.localeCompare(b),
  );

  return {
    recover: histogram(recoverMs, report.targets.timeToRecoverMs, report.metrics.timeToRecoverMs),
    detect: histogram(detectMs, report.targets.timeToDetectMs, report.metrics.timeToDetectMs),
    faultClasses: {
      labels: classNames,
      passed: classNames.map((name) => byClass.get(name)?.passed ?? 0),
      failed: classNames.map((name) => byClass.get(name)?.failed ?? 0),
    },
    scenarios: {
      labels: report.scenarios.map((s) => s.name),
      passed: report.scenarios.map((s) => s.passed),
      failed: report.scenarios.map((s) => s.runs - s.passed),
    },
  };
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text safe in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/**
 * JSON safe inside `<script type="application/json">`: no `<`, `>` or `&` survives,
 * so no `</script>` or `<!--` in the data can end or bend the element.
 * `JSON.parse` of the element's text gives the value back exactly.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Refuses script text that would end its `<script>` element early. */
function inlineScript(source: string, what: string): string {
  if (/<\/script|<!--/i.test(source)) {
    throw new Error(
      `Cannot inline ${what} into report.html: it contains "</script" or "<!--". Use a build of it without them.`,
    );
  }
  return source;
}

let chartJs: string | undefined;

/** Chart.js's UMD build, read from node_modules once; its source-map comment dropped (no file beside the report). */
function chartJsSource(): string {
  if (chartJs === undefined) {
    // chart.js exports no subpath for the UMD build: find the package's dist/ from its main entry.
    const main = createRequire(import.meta.url).resolve("chart.js");
    const text = readFileSync(join(dirname(main), "chart.umd.min.js"), "utf8");
    chartJs = inlineScript(
      text.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, "\n"),
      "chart.js/dist/chart.umd.min.js",
    );
  }
  return chartJs;
}

/** The page's own script: parses the embedded data and draws each chart with Chart.js. */
const PAGE_SCRIPT = `"use strict";
(() => {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const PASSED = "#2e7d32";
  const FAILED = "#c62828";
  const WITHIN = "#1565c0";
  const PAST = "#ef6c00";
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', sans-serif";
  Chart.defaults.animation = false;

  const histogram = (id, h) =>
    new Chart(document.getElementById(id), {
      type: "bar",
      data: {
        labels: h.labels,
        datasets: [
          {
            label: "runs",
            data: h.counts,
            backgroundColor: h.pastTarget.map((past) => (past ? PAST : WITHIN)),
            categoryPercentage: 1,
            barPercentage: 0.96,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { title: { display: true, text: "virtual time" } },
          y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "runs" } },
        },
      },
    });

  const passFail = (id, bars) => {
    const canvas = document.getElementById(id);
    canvas.parentElement.style.height = Math.max(180, 70 + 24 * bars.labels.length) + "px";
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: bars.labels,
        datasets: [
          { label: "passed", data: bars.passed, backgroundColor: PASSED },
          { label: "failed", data: bars.failed, backgroundColor: FAILED },
        ],
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "runs" } },
          y: { stacked: true },
        },
      },
    });
  };

  histogram("chart-recover", data.recover);
  histogram("chart-detect", data.detect);
  passFail("chart-fault-classes", data.faultClasses);
  passFail("chart-scenarios", data.scenarios);
})();
`;

const STYLE = `
:root { color-scheme: light; --pass: #2e7d32; --fail: #c62828; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 0 auto; max-width: 1180px; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 4px; }
p { margin: 4px 0; }
.muted, .note { color: var(--muted); }
.note { font-size: 13px; margin-bottom: 8px; }
.gate { display: inline-block; font-weight: 600; padding: 6px 12px; border-radius: 6px; margin-top: 8px; }
.gate.passed { background: #dafbe1; color: #116329; }
.gate.failed { background: #ffebe9; color: #a40e26; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; }
td.mark, #metrics th:last-child { text-align: center; width: 3em; }
td.mark { font-weight: 700; }
tr.met td.mark { color: var(--pass); }
tr.missed td.mark, tr.missed td.measured { color: var(--fail); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 20px; }
figure { margin: 0; padding: 14px; border: 1px solid var(--line); border-radius: 8px; }
.chart-box { position: relative; height: 280px; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: 2px 6px; border-radius: 4px; word-break: break-all; }
#failures li { margin-bottom: 10px; }
.reason { white-space: pre-wrap; }
`;

interface MetricRow {
  key: keyof Targets;
  label: string;
  measured: string;
  target: string;
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const spread = (d: Distribution) =>
  `${formatDuration(d.p50)} / ${formatDuration(d.p95)} / ${formatDuration(d.max)} (n=${d.count})`;

function metricRows(report: Report): MetricRow[] {
  const m = report.metrics;
  const t = report.targets;
  return [
    {
      key: "successUnderNoFaults",
      label: "success under no faults",
      measured: pct(m.successUnderNoFaults),
      target: `≥ ${pct(t.successUnderNoFaults)}`,
    },
    {
      key: "recoveryFromTransient",
      label: "recovery from transient faults",
      measured: pct(m.recoveryFromTransient),
      target: `≥ ${pct(t.recoveryFromTransient)}`,
    },
    {
      key: "dataLoss",
      label: "runs with data loss",
      measured: String(m.dataLoss),
      target: `≤ ${t.dataLoss}`,
    },
    {
      key: "duplicates",
      label: "runs with duplicates",
      measured: String(m.duplicates),
      target: `≤ ${t.duplicates}`,
    },
    {
      key: "actionableErrors",
      label: "actionable terminal errors",
      measured: pct(m.actionableErrors),
      target: `≥ ${pct(t.actionableErrors)}`,
    },
    {
      key: "interventions",
      label: "transient-fault runs needing a person",
      measured: pct(m.interventions),
      target: `≤ ${pct(t.interventions)}`,
    },
    {
      key: "timeToDetectMs",
      label: "time to detect (p50 / p95 / max)",
      measured: spread(m.timeToDetectMs),
      target: `p95 ≤ ${formatDuration(t.timeToDetectMs)}`,
    },
    {
      key: "timeToRecoverMs",
      label: "time to recover (p50 / p95 / max)",
      measured: spread(m.timeToRecoverMs),
      target: `p95 ≤ ${formatDuration(t.timeToRecoverMs)}`,
    },
  ];
}

function metricsTable(report: Report): string {
  // The mark is the gate's own verdict, so the table can never disagree with it.
  const rows = metricRows(report).map((row) => {
    const met = !report.gate.missed.includes(row.key);
    return `<tr class="${met ? "met" : "missed"}" data-metric="${row.key}"><td>${escapeHtml(row.label)}</td><td class="num measured">${escapeHtml(row.measured)}</td><td class="num">${escapeHtml(row.target)}</td><td class="mark" title="${met ? "target met" : "target missed"}">${met ? "✓" : "✗"}</td></tr>`;
  });
  return `<table id="metrics"><thead><tr><th>metric</th><th>measured</th><th>target</th><th>met</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>`;
}

function scenarioTable(report: Report): string {
  const rows = report.scenarios.map(
    (s) =>
      `<tr class="${s.passed === s.runs && s.vacuous.length === 0 ? "met" : "missed"}"><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.tags.join(", "))}</td><td class="num measured">${s.passed}/${s.runs}</td><td class="num">${s.faultsFired}</td><td class="num">${escapeHtml(spread(s.virtualMs))}</td><td>${s.vacuous.length === 0 ? "" : escapeHtml(`vacuous: ${s.vacuous.join(", ")}`)}</td></tr>`,
  );
  return `<table id="scenarios"><thead><tr><th>scenario</th><th>tags</th><th>passed</th><th>faults fired</th><th>virtual time p50 / p95 / max</th><th></th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>`;
}

function failureList(report: Report): string {
  const failures = report.scenarios.flatMap((s) => s.failures.map((f) => ({ ...f, name: s.name })));
  if (failures.length === 0) return `<p id="failures" class="muted">No failures.</p>`;
  const items = failures.map(
    (f) =>
      `<li><strong>${escapeHtml(f.name)}</strong> seed ${f.seed}: <span class="reason">${escapeHtml(f.reason)}</span><br>replay: <code>${escapeHtml(f.replay)}</code></li>`,
  );
  return `<ol id="failures">\n${items.join("\n")}\n</ol>`;
}

function figure(id: string, title: string, note: string, label: string): string {
  return `<figure><h3>${escapeHtml(title)}</h3><p class="note">${escapeHtml(note)}</p><div class="chart-box"><canvas id="${id}" role="img" aria-label="${escapeHtml(label)}"></canvas></div></figure>`;
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/**
 * `report.html`: self-contained (Chart.js inlined, a CSP that forbids any
 * network request), with the metrics against targets, four Chart.js charts
 * drawn from data embedded as JSON, and every failure with its replay command.
 */
export function renderHtml(report: Report, cases: readonly CaseResult[]): string {
  const data = htmlChartData(report, cases);
  const library = chartJsSource();
  const page = inlineScript(PAGE_SCRIPT, "the report's page script");
  // Only these two inline scripts may run: anything injected through the data would be refused.
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(library)} ${sha256(page)}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const m = report.metrics;
  const gate = report.gate.passed
    ? `<p id="gate" class="gate passed">Gate passed: every target met.</p>`
    : `<p id="gate" class="gate failed">Gate failed: missed ${escapeHtml(report.gate.missed.join(", "))}.</p>`;
  const within = (h: Histogram) =>
    `p50 ${formatDuration(h.distribution.p50)}, p95 ${formatDuration(h.distribution.p95)}, max ${formatDuration(h.distribution.max)} over ${h.distribution.count} runs; target p95 ≤ ${formatDuration(h.targetMs)} (bars that start at or past the target are orange).`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WorkflowMaster reliability report</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>WorkflowMaster reliability report</h1>
<p class="muted">${m.runs} runs (${report.scenarios.length} scenarios × ${report.seeds.length} seeds), ${m.failedRuns} failed. Times are virtual.</p>
${resourcesLine(report)}${gate}
</header>
<h2>Metrics against targets</h2>
${metricsTable(report)}
<h2>Charts</h2>
<div class="charts">
${figure("chart-recover", "Time to recover from a transient fault", within(data.recover), "Histogram of recovery times of the transient runs that recovered")}
${figure("chart-detect", "Time to detect a fault", within(data.detect), "Histogram of times from the first fault to the engine's first reaction")}
${figure("chart-fault-classes", "Success by fault class", "Runs in which each layer:fault fired, passed and failed; a run with two classes counts in both.", "Stacked bars of passed and failed runs per fault class")}
${figure("chart-scenarios", "Runs per scenario", "Passed and failed runs of each scenario across its seeds.", "Stacked bars of passed and failed runs per scenario")}
</div>
<h2>Failures</h2>
${failureList(report)}
<h2>Scenarios</h2>
${scenarioTable(report)}
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${library}</script>
<script>${page}</script>
</body>
</html>
`;
}

/** The suite's wall time, throughput and peak memory, when the run recorded them. */
function resourcesLine(report: Report): string {
  const r = report.resources;
  if (r === undefined) return "";
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  return `<p id="resources" class="muted">${r.runs} runs in ${(r.wallMs / 1000).toFixed(1)} s (real) on ${r.workers} workers: ${r.runsPerSecond.toFixed(2)} runs/s; peak RSS ${mib(r.peakRssBytes.parent)} (suite), ${mib(r.peakRssBytes.worker)} (largest worker).</p>\n`;
}
