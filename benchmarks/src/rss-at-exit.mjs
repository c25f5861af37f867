// Benchmark harness only, never product code: preloaded with
// `node --import` into a process under measurement, it writes that
// process's peak resident set (bytes) to the file named by
// WORKFLOWMASTER_BENCH_RSS_FILE when the process exits.
import { writeFileSync } from "node:fs";

const out = process.env.WORKFLOWMASTER_BENCH_RSS_FILE;
if (out !== undefined && out !== "") {
  process.on("exit", () => {
    writeFileSync(
      out,
      `${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
    );
  });
}
