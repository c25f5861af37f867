// `pnpm bench`: runs every suite, writes reports/bench/latest.{json,md}, prints the table.
import { fileURLToPath } from "node:url";
import { writeReport } from "./src/report.js";
import { runSuites, suiteContext } from "./src/run-suites.js";

const outDir = fileURLToPath(new URL("../reports/bench/", import.meta.url));
const report = await runSuites(suiteContext());
process.stdout.write(await writeReport(outDir, report));
