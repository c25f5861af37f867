#!/usr/bin/env node
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { SCENARIOS } from "../../scenarios/index.js";
import { createProgress } from "../progress.js";
import { suiteResources } from "../resources.js";
import { runCase } from "../runner.js";
import { parseShard, type Shard, selectShard } from "../shard.js";
import { loadTargets } from "../targets.js";
import { runInWorkers } from "../worker-pool.js";
import { readCases, writeReport } from "../write-report.js";

const integer = (name: string, min: number) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${value}".`);
  }
  return parsed;
};

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

const program = new Command("workflowmaster-chaos")
  .description("Runs the WorkflowMaster chaos suite: scenarios × seeds, in virtual time.")
  .showHelpAfterError();

program
  .command("list")
  .description("List every scenario with its tags and faults.")
  .action(() => {
    for (const scenario of SCENARIOS) {
      process.stdout.write(
        `${scenario.name}  [${scenario.tags.join(", ")}]  faults: ${scenario.faults.join(", ") || "none"}\n  ${scenario.description}\n`,
      );
    }
  });

program
  .command("run")
  .description("Run the suite and write report.json and report.md.")
  .option("--filter <glob>", "only scenarios whose name matches", "*")
  .option("--seeds <n>", "seeds per scenario (1..n)", integer("--seeds", 1), 20)
  .option("--seed <n>", "run only this seed", integer("--seed", 0))
  .option("--shard <i/n>", "run only shard I of N (for CI matrices)")
  .option("--workers <n>", "worker processes", integer("--workers", 1), availableParallelism())
  .option("--config <file>", "targets file", "chaos.config.json")
  .option("--out <dir>", "report directory", "reports/latest")
  .option("--gate", "exit 1 when a target is missed, naming it")
  .action(
    async (options: {
      filter: string;
      seeds: number;
      seed?: number;
      shard?: string;
      workers: number;
      config: string;
      out: string;
      gate?: boolean;
    }) => {
      const pattern = globToRegExp(options.filter);
      const scenarios = SCENARIOS.filter((scenario) => pattern.test(scenario.name));
      if (scenarios.length === 0) {
        process.stderr.write(
          `No scenario matches --filter "${options.filter}". See \`workflowmaster-chaos list\`.\n`,
        );
        process.exitCode = 2;
        return;
      }
      let shard: Shard | undefined;
      try {
        shard = options.shard === undefined ? undefined : parseShard(options.shard);
      } catch (error) {
        process.stderr.write(`${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const targets = await loadTargets(resolve(options.config));
      const seeds =
        options.seed === undefined
          ? Array.from({ length: options.seeds }, (_, i) => i + 1)
          : [options.seed];
      const cases = selectShard(
        scenarios.flatMap((scenario) => seeds.map((seed) => ({ scenario: scenario.name, seed }))),
        shard,
      );
      const progress = createProgress(cases.length);
      const started = performance.now();
      let workerPeakRssBytes = 0;
      const results = await runInWorkers(cases, {
        workers: options.workers,
        onCase: progress.tick,
        onWorkerRss: (bytes) => {
          workerPeakRssBytes = Math.max(workerPeakRssBytes, bytes);
        },
      });
      const wallMs = performance.now() - started;
      progress.done();
      const out = resolve(options.out);
      const resources = suiteResources({
        wallMs,
        runs: results.length,
        workers: options.workers,
        workerPeakRssBytes,
      });
      const { report, markdown } = await writeReport(
        out,
        scenarios,
        results,
        seeds,
        targets,
        resources,
      );
      const seconds = (wallMs / 1000).toFixed(1);
      process.stdout.write(
        `${markdown}\n${results.length} runs in ${seconds} s on ${options.workers} workers. Report: ${join(out, "report.md")}\n`,
      );
      if (options.gate === true && !report.gate.passed) {
        process.stderr.write(`Gate failed: missed ${report.gate.missed.join(", ")}.\n`);
        for (const summary of report.scenarios) {
          for (const failure of summary.failures) {
            process.stderr.write(`  ${summary.name} seed ${failure.seed}: ${failure.replay}\n`);
          }
        }
        process.exitCode = 1;
      }
    },
  );

program
  .command("report")
  .description("Merge the reports of sharded runs into one.")
  .requiredOption("--merge <dirs...>", "report directories of the shards")
  .option("--config <file>", "targets file", "chaos.config.json")
  .option("--out <dir>", "report directory", "reports/latest")
  .option("--gate", "exit 1 when a target is missed")
  .action(async (options: { merge: string[]; config: string; out: string; gate?: boolean }) => {
    const { cases, seeds } = await readCases(options.merge.map((dir) => resolve(dir)));
    const names = new Set(cases.map((result) => result.scenario));
    const scenarios = SCENARIOS.filter((scenario) => names.has(scenario.name));
    const targets = await loadTargets(resolve(options.config));
    const out = resolve(options.out);
    const { report, markdown } = await writeReport(out, scenarios, cases, seeds, targets);
    process.stdout.write(`${markdown}\nMerged ${options.merge.length} reports into ${out}.\n`);
    if (options.gate === true && !report.gate.passed) process.exitCode = 1;
  });

program
  .command("replay")
  .description("Rerun one scenario under one seed, exactly, and print what happened.")
  .argument("<scenario>", "scenario name, as `list` prints it")
  .requiredOption("--seed <n>", "the seed to replay", integer("--seed", 0))
  .action(async (name: string, options: { seed: number }) => {
    const scenario = SCENARIOS.find((candidate) => candidate.name === name);
    if (scenario === undefined) {
      process.stderr.write(`No scenario named "${name}". See \`workflowmaster-chaos list\`.\n`);
      process.exitCode = 2;
      return;
    }
    const result = await runCase(scenario, options.seed);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.exitCode = result.ok ? 0 : 1;
  });

program
  .command("github-sim")
  .description("Serve the GitHub API simulator over HTTP on loopback until SIGTERM/SIGINT.")
  .option("--host <host>", "address to listen on", "127.0.0.1")
  .option("--port <n>", "port to listen on (0: any free port)", integer("--port", 0), 0)
  .option(
    "--repo <OWNER/NAME>",
    "create this repository (repeatable)",
    (value: string, repos: string[]) => [...repos, value],
    [] as string[],
  )
  .option("--git-dir <dir>", "back the first --repo with this bare repository")
  .option("--token <token>", "accept only this token (default: any)")
  .option("--login <login>", "the login every accepted token belongs to", "octocat")
  .option("--seed <n>", "seed for probabilistic faults", integer("--seed", 0), 1)
  .action(
    async (options: {
      host: string;
      port: number;
      repo: string[];
      gitDir?: string;
      token?: string;
      login: string;
      seed: number;
    }) => {
      // Loaded here so the other commands do not pay for msw and express.
      const chaos = await import("@workflowmaster/chaos");
      let server: { url: string; close(): Promise<void> };
      try {
        const simulator = chaos.createGithubSimulator({
          clock: chaos.systemClock,
          random: chaos.createSeed(options.seed).stream("github"),
          journal: chaos.createFaultJournal(chaos.systemClock),
          repos: options.repo,
          login: options.login,
          ...(options.gitDir === undefined ? {} : { gitDir: options.gitDir }),
          ...(options.token === undefined ? {} : { token: options.token }),
        });
        server = await chaos.listenHttp(simulator, { host: options.host, port: options.port });
      } catch (error) {
        process.stderr.write(
          `Failed to start the GitHub simulator: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exitCode = 2;
        return;
      }
      process.stdout.write(`listening on ${server.url}\n`);
      const signal = await new Promise<string>((resolveSignal) => {
        process.once("SIGTERM", () => resolveSignal("SIGTERM"));
        process.once("SIGINT", () => resolveSignal("SIGINT"));
      });
      await server.close();
      process.stderr.write(`GitHub simulator stopped (${signal}).\n`);
    },
  );

program
  .command("toxiproxy")
  .description(
    "Serve a Toxiproxy-compatible API (2.12) and its TCP proxies on loopback until SIGTERM/SIGINT.",
  )
  .option("--host <host>", "API address to listen on", "127.0.0.1")
  .option("--port <n>", "API port (0: any free port)", integer("--port", 0), 8474)
  .option(
    "--seed <n>",
    "root seed for toxicity rolls, jitter and slice sizes (default: random, printed)",
    integer("--seed", 0),
  )
  .option("--config <file>", "JSON array of proxies, each with optional toxics, as /populate takes")
  .action(async (options: { host: string; port: number; seed?: number; config?: string }) => {
    // Loaded here so the other commands do not pay for the network layer.
    const chaos = await import("@workflowmaster/chaos");
    let server: { url: string; seed: number; close(): Promise<void> };
    try {
      const config =
        options.config === undefined ? undefined : await chaos.loadToxiproxyConfig(options.config);
      server = await chaos.startToxiproxyServer({
        host: options.host,
        port: options.port,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(config === undefined ? {} : { config }),
        onWarning: (message, error) =>
          process.stderr.write(
            `${message}${error === undefined ? "" : `: ${error instanceof Error ? error.message : String(error)}`}\n`,
          ),
      });
    } catch (error) {
      process.stderr.write(
        `Failed to start the Toxiproxy server: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 2;
      return;
    }
    // Listen for signals before announcing the URL: a caller may signal as soon as it reads it.
    const stopped = new Promise<string>((resolveSignal) => {
      process.once("SIGTERM", () => resolveSignal("SIGTERM"));
      process.once("SIGINT", () => resolveSignal("SIGINT"));
    });
    process.stdout.write(`listening on ${server.url}\n`);
    process.stderr.write(`seed ${server.seed} (replay with --seed ${server.seed})\n`);
    const signal = await stopped;
    await server.close();
    process.stderr.write(`Toxiproxy server stopped (${signal}).\n`);
  });

await program.parseAsync(process.argv);
