import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { replayCommand } from "@workflowmaster/chaos";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCENARIOS } from "../scenarios/index.js";
import type { Report } from "./report.js";
import { histogram, htmlChartData, NO_FAULT_CLASS, renderHtml } from "./report-html.js";
import { type CaseResult, runSuite } from "./runner.js";
import type { Scenario } from "./scenario.js";
import { DEFAULT_TARGETS } from "./targets.js";
import { writeReport } from "./write-report.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const CHART_IDS = ["chart-recover", "chart-detect", "chart-fault-classes", "chart-scenarios"];
const NAMES = [
  "engine/no-fault-baseline",
  "engine/crash-at-fault-point",
  "engine/outage-then-heal",
];
const SEEDS = [1, 2];

// Hostile text where a report carries free text: a scenario name, a failure reason, a fault class.
const EVIL_NAME = `evil/</script><script>window.injected = "name"</script>`;
const EVIL_REASON = `<img src=x onerror="window.injected = 'reason'"> & </SCRIPT><!-- "quoted" 'single'`;
const EVIL_FAULT = "</script><script>window.injected='fault'</script>";

let dir: string;
let scenarios: Scenario[];
let cases: CaseResult[];
let report: Report;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-report-html-"));
  scenarios = SCENARIOS.filter((s) => NAMES.includes(s.name));
  if (scenarios.length !== NAMES.length) {
    throw new Error(`The suite no longer has all of ${NAMES.join(", ")}: pick other scenarios.`);
  }
  cases = await runSuite(scenarios, { seeds: SEEDS });
  ({ report } = await writeReport(join(dir, "real"), scenarios, cases, SEEDS, DEFAULT_TARGETS));
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A scenario that is never run: its cases are made up, to carry hostile text into the report. */
const evilScenario: Scenario = {
  name: EVIL_NAME,
  tags: ["transient"],
  description: "carries markup in every free-text field",
  faults: [`github:${EVIL_FAULT}`],
  expect: "completed",
  run: () => Promise.reject(new Error("never run: its cases are made up")),
};

function evilCases(): CaseResult[] {
  return SEEDS.map((seed) => ({
    scenario: EVIL_NAME,
    seed,
    ok: false,
    checks: [{ name: "no-duplicates", verdict: "fail", detail: EVIL_REASON }],
    faults: [
      {
        seq: 1,
        at: "2026-01-01T00:00:00.000Z",
        layer: "github",
        fault: EVIL_FAULT,
        target: "POST /repos/o/r/issues",
      },
    ],
    replay: replayCommand(EVIL_NAME, seed),
    realMs: 1,
  }));
}

function chromiumOrExplain(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `report.html is checked in headless Chromium, but ${CHROMIUM} does not exist. Install Debian's package: \`apt-get update && apt-get install -y chromium\` (.ci/run does this before the tests).`,
    );
  }
}

interface Opened {
  page: Page;
  /** Console errors and warnings, and uncaught page errors. */
  problems: string[];
  /** Every URL the page asked for. */
  requests: string[];
}

async function open(context: BrowserContext, file: string): Promise<Opened> {
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`console.${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("request", (request) => requests.push(request.url()));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return { page, problems, requests };
}

interface DrawnChart {
  canvas: boolean;
  chart: {
    type: string;
    drawn: boolean;
    labels: string[];
    datasets: { label: string; data: number[] }[];
  } | null;
}

/** What Chart.js registered on each chart's canvas (`Chart.getChart`), read in the page. */
function drawnCharts(page: Page): Promise<Record<string, DrawnChart>> {
  // A string, not a function: this package's TypeScript has no DOM types.
  return page.evaluate(`Object.fromEntries(${JSON.stringify(CHART_IDS)}.map((id) => {
    const canvas = document.getElementById(id);
    const chart = canvas === null ? undefined : Chart.getChart(canvas);
    return [id, {
      canvas: canvas instanceof HTMLCanvasElement,
      chart: chart === undefined ? null : {
        type: chart.config.type,
        drawn: chart.width > 0 && chart.height > 0,
        labels: chart.data.labels,
        datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })),
      },
    }];
  }))`);
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe("report.html in headless Chromium", () => {
  let profile: string | undefined;
  let context: BrowserContext | undefined;

  /** Launches Chromium on first use, so that each test fails (never skips) when it is absent. */
  async function browser(): Promise<BrowserContext> {
    chromiumOrExplain();
    if (context === undefined) {
      profile = await mkdtemp(join(tmpdir(), "wfm-chromium-"));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 900 },
      });
    }
    return context;
  }
  afterAll(async () => {
    await context?.close();
    if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  });

  it("draws all four charts from a real suite run, with the gate in the metrics, and no console error or request", async () => {
    const file = join(dir, "real", "report.html");
    const { page, problems, requests } = await open(await browser(), file);
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(await page.evaluate("Chart.version")).toBe("4.6.1");

    const charts = await drawnCharts(page);
    const data = htmlChartData(report, cases);
    const histogramOf = (h: typeof data.recover) => ({
      canvas: true,
      chart: {
        type: "bar",
        drawn: true,
        labels: h.labels,
        datasets: [{ label: "runs", data: h.counts }],
      },
    });
    const passFailOf = (bars: typeof data.scenarios) => ({
      canvas: true,
      chart: {
        type: "bar",
        drawn: true,
        labels: bars.labels,
        datasets: [
          { label: "passed", data: bars.passed },
          { label: "failed", data: bars.failed },
        ],
      },
    });
    expect(charts).toEqual({
      "chart-recover": histogramOf(data.recover),
      "chart-detect": histogramOf(data.detect),
      "chart-fault-classes": passFailOf(data.faultClasses),
      "chart-scenarios": passFailOf(data.scenarios),
    });

    // The data drawn agrees with the report, measured independently of htmlChartData.
    expect(data.recover.labels.length).toBeGreaterThan(0);
    expect(sum(data.recover.counts)).toBe(report.metrics.timeToRecoverMs.count);
    expect(sum(data.detect.counts)).toBe(report.metrics.timeToDetectMs.count);
    const classes = new Map<string, { passed: number; failed: number }>();
    for (const result of cases) {
      const fired = new Set(result.faults.map((f) => `${f.layer}:${f.fault}`));
      for (const name of fired.size === 0 ? [NO_FAULT_CLASS] : fired) {
        const tally = classes.get(name) ?? { passed: 0, failed: 0 };
        tally[result.ok ? "passed" : "failed"] += 1;
        classes.set(name, tally);
      }
    }
    const classNames = [
      NO_FAULT_CLASS,
      ...[...classes.keys()].filter((name) => name !== NO_FAULT_CLASS).sort(),
    ];
    expect(data.faultClasses).toEqual({
      labels: classNames,
      passed: classNames.map((name) => classes.get(name)?.passed),
      failed: classNames.map((name) => classes.get(name)?.failed),
    });
    expect(data.scenarios).toEqual({
      labels: scenarios.map((s) => s.name),
      passed: scenarios.map((s) => cases.filter((c) => c.scenario === s.name && c.ok).length),
      failed: scenarios.map((s) => cases.filter((c) => c.scenario === s.name && !c.ok).length),
    });
    expect(report.scenarios.map((s) => s.runs)).toEqual([2, 2, 2]);

    // The metrics table: eight rows, each marked by the gate's verdict, and the gate stated.
    const rows = await page.evaluate(
      `[...document.querySelectorAll("#metrics tbody tr")].map((row) => [row.dataset.metric, row.querySelector(".mark").textContent])`,
    );
    const metricKeys = Object.keys(DEFAULT_TARGETS);
    expect(rows).toEqual(
      metricKeys.map((key) => [key, report.gate.missed.includes(key) ? "✗" : "✓"]),
    );
    expect(await page.locator("#gate").textContent()).toBe(
      report.gate.passed
        ? "Gate passed: every target met."
        : `Gate failed: missed ${report.gate.missed.join(", ")}.`,
    );
    await page.close();
  });

  it("shows a scenario name, failure reason and fault class holding </script> and < as plain text, running none of it", async () => {
    const all = [...scenarios, evilScenario];
    const withEvil = [...cases, ...evilCases()];
    const { report: evilReport } = await writeReport(
      join(dir, "evil"),
      all,
      withEvil,
      SEEDS,
      DEFAULT_TARGETS,
    );
    const file = join(dir, "evil", "report.html");
    const { page, problems, requests } = await open(await browser(), file);
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(await page.evaluate("window.injected")).toBeUndefined();
    expect(await page.locator("script").count()).toBe(3);
    expect(await page.locator("img").count()).toBe(0);

    const failures = await page.locator("#failures li").allTextContents();
    expect(failures.filter((text) => text.includes(EVIL_NAME))).toEqual(
      SEEDS.map(
        (seed) =>
          `${EVIL_NAME} seed ${seed}: no-duplicates: ${EVIL_REASON}replay: ${replayCommand(EVIL_NAME, seed)}`,
      ),
    );
    expect(await page.locator("#gate").textContent()).toBe(
      `Gate failed: missed ${evilReport.gate.missed.join(", ")}.`,
    );
    expect(evilReport.gate.missed).toContain(`failed:${EVIL_NAME}`);

    const charts = await drawnCharts(page);
    expect(charts["chart-scenarios"]?.chart?.labels).toEqual([
      ...scenarios.map((s) => s.name),
      EVIL_NAME,
    ]);
    expect(charts["chart-scenarios"]?.chart?.datasets[1]?.data.at(-1)).toBe(SEEDS.length);
    expect(charts["chart-fault-classes"]?.chart?.labels).toContain(`github:${EVIL_FAULT}`);
    for (const id of CHART_IDS) expect(charts[id]?.chart?.drawn).toBe(true);
    await page.close();
  });
});

describe("renderHtml", () => {
  it("inlines Chart.js from node_modules and references nothing outside the file", async () => {
    const html = await readFile(join(dir, "real", "report.html"), "utf8");
    const main = createRequire(import.meta.url).resolve("chart.js");
    const bundle = readFileSync(join(dirname(main), "chart.umd.min.js"), "utf8");
    const banner = bundle.slice(0, bundle.indexOf("*/") + 2);
    expect(banner).toContain("Chart.js v4.6.1");
    expect(html).toContain(banner);
    expect(html).not.toContain("sourceMappingURL");
    expect(html.match(/<(script|link|img|iframe|object|embed)\b[^>]*\s(src|href|data)=/gi)).toBe(
      null,
    );
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`,
    );
  });

  it("embeds the chart data as JSON that parses back exactly, with no < > & left in it", () => {
    const withEvil = [...cases, ...evilCases()];
    const evilReport: Report = {
      ...report,
      scenarios: [
        ...report.scenarios,
        {
          name: EVIL_NAME,
          tags: ["transient"],
          runs: 2,
          passed: 0,
          vacuous: [],
          faultsFired: 2,
          virtualMs: { count: 2, p50: 0, p95: 0, max: 0 },
          failures: [{ seed: 1, replay: "replay", reason: EVIL_REASON }],
        },
      ],
    };
    const html = renderHtml(evilReport, withEvil);
    const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(
      html,
    );
    const json = match?.[1] ?? "";
    expect(/[<>&]/.test(json)).toBe(false);
    expect(JSON.parse(json)).toEqual(htmlChartData(evilReport, withEvil));
    // Exactly three script elements open and close: the data, Chart.js and the page's script.
    expect(html.match(/<script/gi)?.length).toBe(3);
    expect(html.match(/<\/script/gi)?.length).toBe(3);
    expect(html).toContain(
      "&lt;img src=x onerror=&quot;window.injected = &#39;reason&#39;&quot;&gt; &amp; &lt;/SCRIPT&gt;&lt;!-- &quot;quoted&quot; &#39;single&#39;",
    );
  });
});

describe("histogram", () => {
  const spread = { count: 0, p50: 0, p95: 0, max: 0 };

  it("bins virtual durations from 0 into at most 12 bins of a nice width, counting every value", () => {
    expect(histogram([0, 470, 963, 9_999, 60_000], 120_000, spread)).toEqual({
      labels: ["0–10 s", "10–20 s", "20–30 s", "30–40 s", "40–50 s", "50–60 s", "60–70 s"],
      counts: [4, 0, 0, 0, 0, 0, 1],
      pastTarget: [false, false, false, false, false, false, false],
      binMs: 10_000,
      targetMs: 120_000,
      distribution: spread,
    });
  });

  it("marks the bins that start at or past the target", () => {
    const h = histogram([1_000, 45_000], 30_000, spread);
    expect(h.binMs).toBe(5_000);
    expect(h.labels.at(-1)).toBe("45–50 s");
    expect(h.pastTarget).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
    expect(h.counts).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it("switches units with the range and keeps doubling the width past a day", () => {
    expect(histogram([0, 3_601_000], 120_000, spread).labels.slice(0, 2)).toEqual([
      "0–10 min",
      "10–20 min",
    ]);
    expect(histogram([0], 1, spread).labels).toEqual(["0–100 ms"]);
    const long = histogram([30 * 24 * 3_600_000], 1, spread);
    expect(long.binMs).toBe(4 * 24 * 3_600_000);
    expect(long.counts.length).toBe(8);
  });

  it("has no bins when nothing was measured", () => {
    expect(histogram([], 30_000, spread)).toEqual({
      labels: [],
      counts: [],
      pastTarget: [],
      binMs: 0,
      targetMs: 30_000,
      distribution: spread,
    });
  });
});
