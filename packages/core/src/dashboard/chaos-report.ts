import { z } from "zod";
import type { FileSystem } from "../ports/file-system.js";

/** Where `pnpm chaos` writes its report, under the repository. */
export const CHAOS_REPORT_PATH = "reports/latest/report.json";

const distribution = z.object({
  count: z.number(),
  p50: z.number(),
  p95: z.number(),
  max: z.number(),
});

/**
 * The part of the scenarios package's `report.json` (schemaVersion 1, see
 * `reports/report.schema.json`) the dashboard draws. Read as data: core
 * must not import `@workflowmaster/scenarios`. Extra fields are ignored.
 */
const ReportSchema = z.object({
  schemaVersion: z.literal(1),
  seeds: z.array(z.number()),
  targets: z.record(z.string(), z.number()),
  metrics: z.object({
    successUnderNoFaults: z.number(),
    recoveryFromTransient: z.number(),
    dataLoss: z.number(),
    duplicates: z.number(),
    actionableErrors: z.number(),
    interventions: z.number(),
    timeToDetectMs: distribution,
    timeToRecoverMs: distribution,
    runs: z.number(),
    failedRuns: z.number(),
  }),
  gate: z.object({ passed: z.boolean(), missed: z.array(z.string()) }),
  scenarios: z.array(
    z.object({ name: z.string(), runs: z.number(), passed: z.number(), faultsFired: z.number() }),
  ),
});

export type Distribution = z.infer<typeof distribution>;

/** A gated metric beside its target. */
export interface ChaosMetric {
  name: string;
  value: number;
  target: number;
  /** Whether the target is a minimum or a maximum. */
  goal: "at-least" | "at-most";
  /** How to show value and target. */
  unit: "share" | "count";
  ok: boolean;
}

export type ChaosReportView =
  | { status: "absent"; path: string }
  | { status: "unreadable"; path: string; message: string }
  | {
      status: "found";
      path: string;
      runs: number;
      failedRuns: number;
      seeds: number;
      gate: { passed: boolean; missed: string[] };
      metrics: ChaosMetric[];
      timeToDetectMs: Distribution;
      timeToRecoverMs: Distribution;
      targets: { timeToDetectMs: number | undefined; timeToRecoverMs: number | undefined };
      scenarios: { name: string; runs: number; passed: number; faultsFired: number }[];
    };

/** The gated metrics, in the report's order, with their goal and unit. */
const GATED = [
  { name: "successUnderNoFaults", goal: "at-least", unit: "share" },
  { name: "recoveryFromTransient", goal: "at-least", unit: "share" },
  { name: "dataLoss", goal: "at-most", unit: "count" },
  { name: "duplicates", goal: "at-most", unit: "count" },
  { name: "actionableErrors", goal: "at-least", unit: "share" },
  { name: "interventions", goal: "at-most", unit: "share" },
] as const;
/**
 * The latest chaos report of the repository, for its charts: absent, found,
 * or unreadable (with the reason, so a broken file is shown, not hidden).
 */
export async function readChaosReport(fs: FileSystem, repoDir: string): Promise<ChaosReportView> {
  const path = `${repoDir}/${CHAOS_REPORT_PATH}`;
  let text: string;
  try {
    text = new TextDecoder().decode(await fs.readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { status: "absent", path };
    return { status: "unreadable", path, message: `it could not be read: ${String(error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { status: "unreadable", path, message: `it is not JSON: ${(error as Error).message}` };
  }
  const parsed = ReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "(root)" : issue.path.join(".");
    return {
      status: "unreadable",
      path,
      message: `it is not a schemaVersion 1 report: ${where}: ${issue?.message ?? "invalid"}`,
    };
  }
  const report = parsed.data;
  const target = (name: string) => report.targets[name];
  const metrics = GATED.flatMap(({ name, goal, unit }): ChaosMetric[] => {
    const wanted = target(name);
    // A report without this target has nothing to compare against: not drawn.
    if (wanted === undefined) return [];
    const value = report.metrics[name];
    const ok = goal === "at-least" ? value >= wanted : value <= wanted;
    return [{ name, value, target: wanted, goal, unit, ok }];
  });
  return {
    status: "found",
    path,
    runs: report.metrics.runs,
    failedRuns: report.metrics.failedRuns,
    seeds: report.seeds.length,
    gate: report.gate,
    metrics,
    timeToDetectMs: report.metrics.timeToDetectMs,
    timeToRecoverMs: report.metrics.timeToRecoverMs,
    targets: {
      timeToDetectMs: target("timeToDetectMs"),
      timeToRecoverMs: target("timeToRecoverMs"),
    },
    scenarios: report.scenarios.map(({ name, runs, passed, faultsFired }) => ({
      name,
      runs,
      passed,
      faultsFired,
    })),
  };
}
