import { fileURLToPath } from "node:url";
import type { Figure } from "./figure.js";
import type { BenchReport } from "./report.js";
import { runNode } from "./run-child.js";
import { slowdownFromEnv } from "./slowdown.js";
import type { Suite, SuiteContext } from "./suite.js";
import { SUITES } from "./suites/index.js";

export function suiteContext(): SuiteContext {
  return {
    slowdown: slowdownFromEnv(),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

const SUITE_CHILD = fileURLToPath(new URL("./suite-child.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Runs one suite in a fresh Node process (through tsx, from source) and
 * returns its figures. A suite measured in a process that earlier suites
 * have grown measures them too: starting a git process costs more from a
 * larger heap, and a collection left over from one suite lands in another.
 * Progress lines pass through to stderr; the slowdown switch goes with the
 * environment.
 */
export async function runSuiteInChild(name: string): Promise<Figure[]> {
  const result = await runNode(
    ["--import", "tsx", "--conditions=@workflowmaster/source", SUITE_CHILD, name],
    { cwd: REPO_ROOT, inheritStderr: true },
  );
  if (result.code !== 0) {
    throw new Error(
      `The ${name} suite's process exited ${result.signal ?? result.code} (its output is above).`,
    );
  }
  try {
    return JSON.parse(result.stdout) as Figure[];
  } catch (error) {
    throw new Error(
      `The ${name} suite printed no figures: ${JSON.stringify(result.stdout.slice(0, 200))}`,
      { cause: error },
    );
  }
}

/** Runs every suite once, each in its own process, and gathers the figures into a report. */
export async function runSuites(
  context: SuiteContext,
  suites: readonly Suite[] = SUITES,
): Promise<BenchReport> {
  const figures: Figure[] = [];
  for (const suite of suites) figures.push(...(await runSuiteInChild(suite.name)));
  return {
    at: new Date().toISOString(),
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    slowdown: context.slowdown ?? null,
    figures,
  };
}

/** Measures one figure again by running its suite again, in a fresh process. */
export async function remeasure(context: SuiteContext, figure: Figure): Promise<Figure> {
  if (!SUITES.some((candidate) => candidate.name === figure.suite)) {
    throw new Error(`No suite named ${figure.suite} measures ${figure.id}.`);
  }
  context.log(`measuring ${figure.id} again (outside its tolerance)`);
  const again = (await runSuiteInChild(figure.suite)).find(
    (candidate) => candidate.id === figure.id,
  );
  if (again === undefined)
    throw new Error(`Suite ${figure.suite} no longer measures ${figure.id}.`);
  return again;
}
