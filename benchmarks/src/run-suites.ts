import type { Figure } from "./figure.js";
import type { BenchReport } from "./report.js";
import { slowdownFromEnv } from "./slowdown.js";
import type { Suite, SuiteContext } from "./suite.js";
import { SUITES } from "./suites/index.js";

export function suiteContext(): SuiteContext {
  return {
    slowdown: slowdownFromEnv(),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

/** Runs every suite once and gathers the figures into a report. */
export async function runSuites(
  context: SuiteContext,
  suites: readonly Suite[] = SUITES,
): Promise<BenchReport> {
  const figures: Figure[] = [];
  for (const suite of suites) figures.push(...(await suite.run(context)));
  return {
    at: new Date().toISOString(),
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    slowdown: context.slowdown ?? null,
    figures,
  };
}

/** Measures one figure again by running its suite again. */
export async function remeasure(context: SuiteContext, figure: Figure): Promise<Figure> {
  const suite = SUITES.find((candidate) => candidate.name === figure.suite);
  if (suite === undefined) throw new Error(`No suite named ${figure.suite} measures ${figure.id}.`);
  context.log(`measuring ${figure.id} again (outside its tolerance)`);
  const again = (await suite.run(context)).find((candidate) => candidate.id === figure.id);
  if (again === undefined) throw new Error(`Suite ${suite.name} no longer measures ${figure.id}.`);
  return again;
}
