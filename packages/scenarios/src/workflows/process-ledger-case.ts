import { rmSync } from "node:fs";
import { access, constants, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ChildExit,
  type KillAtPoint,
  type KillAtTime,
  type ResourceLimits,
  runChild,
} from "@workflowmaster/chaos";
import {
  createResourceGuard,
  nodeFileSystem,
  type ResourceThresholdsInput,
} from "@workflowmaster/core";
import { createLedger } from "@workflowmaster/core/testing";
import { build, type PluginBuild } from "esbuild";
import type { Observation, ScenarioContext, SeenError } from "../scenario.js";
import { runStateCase } from "./state-ledger-case.js";

const CHILD = fileURLToPath(
  new URL("../../scenarios/process/fixtures/ledger-child.ts", import.meta.url),
);

const PACKAGES = fileURLToPath(new URL("../../../", import.meta.url));

// The child needs a few modules of each package; their indexes pull in the
// GitHub client, msw and the container backend (megabytes that take longer
// to load than the run takes). Each bare import resolves to just these.
const SLIM_ENTRIES: Record<string, string> = {
  "@workflowmaster/chaos": [
    'export { faultPointsFromEnv } from "./chaos/src/process/fault-points-from-env.ts";',
    'export { createFaultJournal } from "./chaos/src/journal/fault-journal.ts";',
    'export { FaultLayer } from "./chaos/src/journal/fault-layer.ts";',
    'export { createSeed } from "./chaos/src/seed/create-seed.ts";',
  ].join("\n"),
  "@workflowmaster/core": [
    'export { createEngine, defineWorkflow } from "./core/src/engine/index.ts";',
    'export { err, ok } from "./core/src/errors/result.ts";',
    'export { createResourceGuard } from "./core/src/resources/resource-guard.ts";',
    'export { createVirtualClock, nodeFileSystem, nodePorts } from "./core/src/ports/index.ts";',
  ].join("\n"),
  "@workflowmaster/core/testing": 'export { createLedger } from "./core/src/testing/ledger.ts";',
};

const slimPackages = {
  name: "slim-workflowmaster-packages",
  setup(builder: PluginBuild) {
    builder.onResolve({ filter: /^@workflowmaster\/(chaos|core|core\/testing)$/ }, (args) => ({
      path: args.path,
      namespace: "slim",
    }));
    builder.onLoad({ filter: /.*/, namespace: "slim" }, (args) => {
      const contents = SLIM_ENTRIES[args.path];
      if (contents === undefined) throw new Error(`No slim entry for ${args.path}`);
      return { contents, resolveDir: PACKAGES, loader: "ts" };
    });
  },
};

let bundled: Promise<string> | undefined;

/**
 * The child bundled into one .mjs, once per process: `node x.mjs` starts in
 * ~0.1 s where `node --import tsx` takes ~0.5 s. Removed when this process exits.
 */
function childScript(): Promise<string> {
  bundled ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "wfm-scenarios-child-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const outfile = join(dir, "ledger-child.mjs");
    await build({
      entryPoints: [CHILD],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      conditions: ["@workflowmaster/source"],
      logLevel: "silent",
      plugins: [slimPackages],
      // Optional native add-ons of the container backend's dependencies,
      // loaded in a try/catch: the child never uses them.
      external: ["cpu-features", "*.node"],
      // Bundled CommonJS dependencies call require(); give the ESM bundle one.
      banner: {
        js: "import { createRequire as __wfmRequire } from 'node:module'; const require = __wfmRequire(import.meta.url);",
      },
    });
    return outfile;
  })();
  return bundled;
}

/** What the child printed: its run's end state and error. */
interface ChildReport {
  state: string;
  error?: SeenError & { kind: string };
}

export interface ProcessCaseOptions {
  killAt?: KillAtTime | KillAtPoint;
  limits?: ResourceLimits;
  /** Resource thresholds for the guard, in the child and in the resuming process. */
  guard?: ResourceThresholdsInput;
}

export interface ProcessCaseResult {
  observation: Observation;
  exit: ChildExit;
}

/**
 * Starts the ledger workflow in a real child process (killed at a point or
 * a time, or under resource limits), then finishes the run in this process
 * the way an operator would: resume after the child died or stopped, a
 * minute later when it stopped on an error a person must clear.
 */
export async function runProcessCase(
  context: ScenarioContext,
  options: ProcessCaseOptions,
): Promise<ProcessCaseResult> {
  const dir = await fastDir(context.workDir);
  try {
    return await runInDir(context, options, dir);
  } finally {
    if (dir !== context.workDir) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A kill is not a power loss (the page cache survives it), so the run store
 * may as well live on tmpfs, where an fsync costs microseconds, not the
 * milliseconds of the shared disk: the cases stay fast.
 */
async function fastDir(workDir: string): Promise<string> {
  try {
    await access(SHM, constants.W_OK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return workDir;
    throw error;
  }
  return mkdtemp(join(SHM, "wfm-process-case-"));
}

const SHM = "/dev/shm";

async function runInDir(
  context: ScenarioContext,
  options: ProcessCaseOptions,
  dir: string,
): Promise<ProcessCaseResult> {
  const root = join(dir, ".workflowmaster");
  const worldFile = join(dir, "world.ndjson");
  const runId = `run-${context.seed}`;
  const started = context.clock.now();
  const handle = await runChild({
    command: process.execPath,
    args: [await childScript(), root, worldFile, runId],
    journal: context.journal,
    label: "ledger-child",
    seed: context.seed,
    ...(options.killAt === undefined ? {} : { killAt: options.killAt }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.guard === undefined ? {} : { env: { WFM_GUARD: JSON.stringify(options.guard) } }),
  });
  const exit = await handle.exited;
  const killed = exit.signal !== null;
  const report = killed ? undefined : parseReport(exit);

  const childErrors: SeenError[] = [];
  let neededPerson = false;
  if (report?.error !== undefined) {
    const { kind, ...seen } = report.error;
    childErrors.push(seen);
    if (report.state === "paused" && kind !== "transient") neededPerson = true;
    // The supervisor resumes a stopped run a minute later, without the limits.
    await context.clock.sleep(60_000);
  }
  const guard =
    options.guard === undefined
      ? undefined
      : createResourceGuard({ fs: nodeFileSystem, thresholds: options.guard });
  const observation = await runStateCase(context, {
    ledger: createLedger(worldFile),
    fs: () => nodeFileSystem,
    root,
    runId,
    begin: "resume",
    ...(guard === undefined ? {} : { resourceCheck: guard.check }),
  });
  return {
    exit,
    observation: {
      ...observation,
      errors: [...childErrors, ...observation.errors],
      neededPerson: neededPerson || observation.neededPerson,
      resumes: observation.resumes + 1,
      virtualMs: context.clock.now() - started,
      // The child reported the shortage the moment it met it (before any phase).
      ...(childErrors.length > 0 ? { detectMs: 0 } : {}),
    },
  };
}

function parseReport(exit: ChildExit): ChildReport {
  const line = exit.stdout.at(-1);
  if (exit.code !== 0 || line === undefined) {
    throw new Error(
      `The ledger child exited ${exit.code} without a report: ${exit.stderr.join("\n")}`,
    );
  }
  return JSON.parse(line) as ChildReport;
}
