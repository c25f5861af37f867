import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildReport, type Report, renderMarkdown } from "./report.js";
import { renderHtml } from "./report-html.js";
import type { SuiteResources } from "./resources.js";
import type { CaseResult } from "./runner.js";
import type { Scenario } from "./scenario.js";
import type { Targets } from "./targets.js";

/** What `report.json` holds: the report and every case, so shards can be merged. */
export type ReportFile = Report & { cases: CaseResult[] };

/** Builds the report and writes `report.json`, `report.md` and `report.html` into `out`. */
export async function writeReport(
  out: string,
  scenarios: readonly Scenario[],
  cases: readonly CaseResult[],
  seeds: readonly number[],
  targets: Targets,
  resources?: SuiteResources,
): Promise<{ report: Report; markdown: string }> {
  const report = buildReport(scenarios, cases, seeds, targets, resources);
  const markdown = renderMarkdown(report);
  await mkdir(out, { recursive: true });
  const file: ReportFile = { ...report, cases: [...cases] };
  await writeFile(join(out, "report.json"), `${JSON.stringify(file, null, 2)}\n`);
  await writeFile(join(out, "report.md"), markdown);
  await writeFile(join(out, "report.html"), renderHtml(report, cases));
  return { report, markdown };
}

/** Reads the cases of sharded runs' `report.json` files, for `report --merge`. */
export async function readCases(
  dirs: readonly string[],
): Promise<{ cases: CaseResult[]; seeds: number[] }> {
  const cases: CaseResult[] = [];
  const seeds = new Set<number>();
  for (const dir of dirs) {
    const path = join(dir, "report.json");
    let file: ReportFile;
    try {
      file = JSON.parse(await readFile(path, "utf8")) as ReportFile;
    } catch (error) {
      throw new Error(`Cannot merge ${path}: ${(error as Error).message}`);
    }
    if (file.schemaVersion !== 1 || !Array.isArray(file.cases)) {
      throw new Error(
        `Cannot merge ${path}: not a WorkflowMaster report (schemaVersion 1 with cases).`,
      );
    }
    cases.push(...file.cases);
    for (const seed of file.seeds) seeds.add(seed);
  }
  return { cases, seeds: [...seeds].sort((a, b) => a - b) };
}
