import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withBenchDir } from "../bench-dir.js";
import { CLI_BIN, createCliWorld } from "../cli-world.js";
import { Direction, type Figure } from "../figure.js";
import { expectSuccess, runNode } from "../run-child.js";
import type { Suite } from "../suite.js";
import { round3 } from "./checkpoint-suite.js";

const RSS_PRELOAD = fileURLToPath(new URL("../rss-at-exit.mjs", import.meta.url));
export const RSS_FILE_ENV = "WORKFLOWMASTER_BENCH_RSS_FILE";
const MIB = 1024 * 1024;

/**
 * Peak RSS of one real `workflowmaster run` (the CLI as a child process,
 * from source through tsx as users run it) against the GitHub simulator
 * over HTTP and a `file://` remote: a clean run of the development
 * workflow whose implement step writes one file. A preload
 * (`rss-at-exit.mjs`, harness only) writes `process.resourceUsage().maxRSS`
 * at exit. Child processes (git, the implement command) are not included.
 */
export const runMemorySuite: Suite = {
  name: "run-memory",
  run: (context) =>
    withBenchDir("memory", async (dir) => {
      context.log("run-memory: peak RSS of a real `workflowmaster run` (CLI child process)");
      const world = await createCliWorld(dir);
      try {
        const rssFile = join(dir, "rss.json");
        const result = await runNode(
          [
            "--import",
            RSS_PRELOAD,
            CLI_BIN,
            "run",
            "--title",
            "Add a greeting",
            "--body",
            "Please greet the reader.",
            "--implement",
            "printf 'hello\\n' > greeting.txt",
            "--run-id",
            "bench-memory",
            "--json",
          ],
          { cwd: world.clone, env: { ...world.env, [RSS_FILE_ENV]: rssFile } },
        );
        expectSuccess("workflowmaster run", result);
        const outcome = JSON.parse(result.stdout) as { state: string };
        if (outcome.state !== "completed") {
          throw new Error(`The measured run ended ${outcome.state}: ${result.stdout}`);
        }
        const { maxRssBytes } = JSON.parse(await readFile(rssFile, "utf8")) as {
          maxRssBytes: number;
        };
        const figure: Figure = {
          id: "memory.run-peak-rss-mib",
          suite: "run-memory",
          title: "Peak RSS of a `workflowmaster run`, MiB (clean dev-workflow run)",
          value: round3(maxRssBytes / MIB),
          direction: Direction.LowerIsBetter,
          details: {
            source: "process.resourceUsage().maxRSS at exit (--import preload)",
            run: "CLI child via tsx, github-sim over HTTP, file:// remote",
          },
        };
        return [figure];
      } finally {
        await world.close();
      }
    }),
};
