import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Direction, type Figure, meetsTarget } from "./figure.js";
import type { GateVerdict } from "./gate.js";

export interface BenchReport {
  /** ISO-8601 UTC. */
  at: string;
  node: string;
  platform: string;
  /** The test-only slowdown that was on, if any. */
  slowdown: string | null;
  figures: Figure[];
}

const fixed = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(3));

function targetText(figure: Figure): string {
  if (figure.target === undefined) return "—";
  const sign = figure.direction === Direction.LowerIsBetter ? "≤" : "≥";
  return `${sign} ${figure.target} ${meetsTarget(figure) ? "✅" : "❌ missed"}`;
}

function detailText(figure: Figure): string {
  return Object.entries(figure.details)
    .map(([key, value]) => `${key}: ${typeof value === "number" ? fixed(value) : value}`)
    .join("; ");
}

/** The Markdown table `pnpm bench` prints and writes. */
export function markdownTable(report: BenchReport, verdicts?: readonly GateVerdict[]): string {
  const verdictOf = new Map(verdicts?.map((verdict) => [verdict.id, verdict]));
  const lines = [
    `# Benchmarks (${report.at}, Node ${report.node}${report.slowdown ? `, slowdown ${report.slowdown}` : ""})`,
    "",
    "Every value is a ratio against a baseline measured in the same run (see benchmarks/README.md).",
    "",
    `| figure | value | target | ${verdicts ? "gate | " : ""}measured |`,
    `|---|---|---|${verdicts ? "---|" : ""}---|`,
  ];
  for (const figure of report.figures) {
    const verdict = verdictOf.get(figure.id);
    const gateCell = verdicts
      ? `${verdict?.outcome ?? "—"}${verdict && verdict.attempts.length > 0 ? ` (limit ${fixed(verdict.attempts[0]?.limit ?? 0)}; ${verdict.attempts.map((a) => fixed(a.value)).join(" → ")})` : ""} | `
      : "";
    lines.push(
      `| ${figure.title} \`${figure.id}\` | ${fixed(figure.value)} | ${targetText(figure)} | ${gateCell}${detailText(figure)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Writes `latest.json` and `latest.md` under `dir`. */
export async function writeReport(
  dir: string,
  report: BenchReport,
  verdicts?: readonly GateVerdict[],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const markdown = markdownTable(report, verdicts);
  await writeFile(
    join(dir, "latest.json"),
    `${JSON.stringify({ ...report, ...(verdicts ? { verdicts } : {}) }, null, 2)}\n`,
  );
  await writeFile(join(dir, "latest.md"), markdown);
  return markdown;
}
