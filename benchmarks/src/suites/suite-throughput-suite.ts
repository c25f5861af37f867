import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withBenchDir } from "../bench-dir.js";
import { Direction, type Figure } from "../figure.js";
import { expectSuccess, runNode } from "../run-child.js";
import type { Suite } from "../suite.js";
import { round3 } from "./checkpoint-suite.js";

const CHAOS_BIN = fileURLToPath(
  new URL("../../../packages/scenarios/bin/workflowmaster-chaos.js", import.meta.url),
);
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The measured run: every scenario, 2 seeds, on 2 workers (the project's 2 cores). */
export const MEASURED_SEEDS = 2;
export const WORKERS = 2;
/** The default suite `pnpm test:chaos` runs: every scenario × 20 seeds. */
export const DEFAULT_SEEDS = 20;

/** The part of `report.json` this suite reads. */
interface ChaosReport {
  scenarios: unknown[];
  metrics: { runs: number };
  resources?: {
    wallMs: number;
    runs: number;
    runsPerSecond: number;
    workers: number;
    peakRssBytes: { parent: number; worker: number };
  };
}

const MIB = 1024 * 1024;

/**
 * The chaos suite as users run it: `workflowmaster-chaos run --seeds 2
 * --workers 2` as a child process. Its own `resources` block (wall time of
 * the cases, peak RSS of the suite process and of the largest worker, each
 * from `process.resourceUsage().maxRSS`) gives the figures; the default
 * suite's time (every scenario × 20 seeds on 2 workers) is projected from
 * the measured runs per second.
 */
export const suiteThroughputSuite: Suite = {
  name: "suite-throughput",
  run: (context) =>
    withBenchDir("suite", async (dir) => {
      context.log(
        `suite-throughput: workflowmaster-chaos run --seeds ${MEASURED_SEEDS} --workers ${WORKERS}`,
      );
      const out = join(dir, "report");
      const result = await runNode(
        [
          CHAOS_BIN,
          "run",
          "--seeds",
          String(MEASURED_SEEDS),
          "--workers",
          String(WORKERS),
          "--out",
          out,
        ],
        { cwd: REPO_ROOT },
      );
      expectSuccess("workflowmaster-chaos run", result);
      const report = JSON.parse(await readFile(join(out, "report.json"), "utf8")) as ChaosReport;
      const resources = report.resources;
      if (resources === undefined) {
        throw new Error("The chaos suite's report.json has no resources block.");
      }
      const defaultRuns = report.scenarios.length * DEFAULT_SEEDS;
      const projectedSeconds = defaultRuns / resources.runsPerSecond;
      const parentMib = resources.peakRssBytes.parent / MIB;
      const workerMib = resources.peakRssBytes.worker / MIB;
      const common = {
        runs: resources.runs,
        scenarios: report.scenarios.length,
        seeds: MEASURED_SEEDS,
        workers: resources.workers,
        "wall s": round3(resources.wallMs / 1000),
      };
      const figures: Figure[] = [
        {
          id: "suite.runs-per-second",
          suite: "suite-throughput",
          title: "Chaos suite scenario runs per second (2 workers, virtual time)",
          value: resources.runsPerSecond,
          direction: Direction.HigherIsBetter,
          details: common,
        },
        {
          id: "suite.projected-default-seconds",
          suite: "suite-throughput",
          title: `Default chaos suite (${report.scenarios.length} scenarios × ${DEFAULT_SEEDS} seeds, 2 workers), projected seconds`,
          value: round3(projectedSeconds),
          direction: Direction.LowerIsBetter,
          target: 300,
          details: { ...common, "default runs": defaultRuns },
        },
        {
          id: "suite.peak-rss-mib",
          suite: "suite-throughput",
          title: "Chaos suite peak RSS, MiB (largest of the suite process and its workers)",
          value: round3(Math.max(parentMib, workerMib)),
          direction: Direction.LowerIsBetter,
          details: {
            "suite process MiB": round3(parentMib),
            "largest worker MiB": round3(workerMib),
            source: "process.resourceUsage().maxRSS, reported by the suite itself",
          },
        },
      ];
      return figures;
    }),
};
