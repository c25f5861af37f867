// `pnpm bench:check`: measures every figure, compares it with benchmarks/baseline.json,
// measures a figure outside its tolerance again before failing, and exits 1 naming
// each figure that regressed.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Baseline, gate } from "./src/gate.js";
import { writeReport } from "./src/report.js";
import { remeasure, runSuites, suiteContext } from "./src/run-suites.js";

const baselinePath = fileURLToPath(new URL("./baseline.json", import.meta.url));
const outDir = fileURLToPath(new URL("../reports/bench/", import.meta.url));
const baseline = JSON.parse(await readFile(baselinePath, "utf8")) as Baseline;
const context = suiteContext();
const report = await runSuites(context);
const verdicts = await gate(report.figures, baseline, {
  remeasure: (figure) => remeasure(context, figure),
  repeats: 2,
});
process.stdout.write(await writeReport(outDir, report, verdicts));
const failed = verdicts.filter((verdict) => verdict.outcome === "fail");
for (const verdict of failed) {
  const first = verdict.attempts[0];
  process.stderr.write(
    `bench:check: ${verdict.id} regressed: ${verdict.attempts.map((a) => a.value.toFixed(3)).join(", ")} (${verdict.attempts.length} measurements), all beyond the limit ${first?.limit.toFixed(3)} (baseline ${first?.baseline} ± tolerance in benchmarks/baseline.json).\n`,
  );
}
if (failed.length > 0) {
  process.exitCode = 1;
} else {
  process.stderr.write(`bench:check: all ${verdicts.length} figures within their baseline.\n`);
}
