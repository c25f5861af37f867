import { join, resolve } from "node:path";
import { createEngine, type Engine } from "../../engine/index.js";
import { shellQuote } from "../../errors/classifiers/inspect.js";
import { wfmError } from "../../errors/index.js";
import { resolveGithubToken } from "../../github/index.js";
import { type FaultPoints, noFaultPoints } from "../../ports/index.js";
import { assertValidRunId, stateRoot } from "../../state/index.js";
import { invalidInput } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { DEPTH_ENV } from "../dev-session.js";
import { type GithubRepoName, repoFromRemoteUrl, withoutCredentials } from "../github-remote.js";
import { findRepositoryRoot } from "../repository-root.js";
import { resolveTestFaultPoints } from "../test-fault-points.js";

/** Deeper than this, an implement command is starting WorkflowMaster again and again. */
export const MAX_DEPTH = 2;

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

/** The repository `--cwd` (default: the current directory) is in. */
export function repositoryFor(
  io: CliIo,
  cwd: string | undefined,
  subcommand: string,
): Promise<string> {
  return findRepositoryRoot(io.ports.fs, resolve(io.cwd, cwd ?? "."), subcommand);
}

/** How deeply this process was started from implement commands; refuses past MAX_DEPTH. */
export function depthOf(io: CliIo): number {
  const text = io.env[DEPTH_ENV] ?? "";
  const depth = /^\d{1,3}$/.test(text) ? Number(text) : 0;
  if (depth > MAX_DEPTH) {
    throw wfmError("WFM-CLI-NESTED", {
      message: `WorkflowMaster was started ${depth} levels deep from implement commands; refusing to go deeper.`,
      context: { detail: String(depth) },
    });
  }
  return depth;
}

/** `GITHUB_API_URL`, checked: an http(s) URL. */
export function githubApiUrl(io: CliIo, subcommand: string): string {
  const text = io.env.GITHUB_API_URL?.trim() || DEFAULT_GITHUB_API_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidInput(
      subcommand,
      "GITHUB_API_URL",
      `must be a URL, got ${JSON.stringify(withoutCredentials(text))}`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalidInput(
      subcommand,
      "GITHUB_API_URL",
      `must be an http or https URL, got ${url.protocol}`,
    );
  }
  return text.replace(/\/+$/, "");
}

/** The token from GITHUB_TOKEN, GH_TOKEN or `gh auth token`; none is WFM-GITHUB-TOKEN-MISSING. */
export async function tokenFor(
  io: CliIo,
  repoDir: string,
  context: { repo?: string; runId?: string },
) {
  return resolveGithubToken({
    // A copy: process.env is not a plain object, and the schema wants one.
    env: { ...io.env },
    spawner: io.ports.spawner,
    cwd: repoDir,
    context,
  });
}

/** The GitHub repository of the `origin` remote. */
export async function originRepository(io: CliIo, repoDir: string): Promise<GithubRepoName> {
  // Read from the config file itself when there is one: git refuses to read
  // config in a repository whose HEAD it cannot parse, but the remote is still known.
  const configFile = join(repoDir, ".git", "config");
  const direct = await io.ports.fs
    .stat(configFile)
    .then((stat) => stat.isFile())
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return false;
      throw error;
    });
  const result = await io.ports.spawner.run(
    "git",
    [...(direct ? ["config", "--file", configFile] : ["config"]), "--get", "remote.origin.url"],
    { cwd: repoDir, env: { LC_ALL: "C", GIT_TERMINAL_PROMPT: "0" } },
  );
  const url = result.stdout.trim();
  const context = { cwd: shellQuote(repoDir) };
  if (result.exitCode !== 0 || url === "") {
    throw wfmError("WFM-CLI-REPO-UNKNOWN", {
      message: `${repoDir} has no \`origin\` remote to take the GitHub repository from.`,
      context: { ...context, detail: "it has no origin remote" },
    });
  }
  const repo = repoFromRemoteUrl(url);
  if (repo === undefined) {
    const shown = withoutCredentials(url);
    throw wfmError("WFM-CLI-REPO-UNKNOWN", {
      message: `The origin remote ${JSON.stringify(shown)} does not name a GitHub OWNER/NAME.`,
      context: {
        ...context,
        detail: `the origin remote ${JSON.stringify(shown)} names no OWNER/NAME`,
      },
    });
  }
  return repo;
}

/** The test fault points when testing asked for them, else none; a warning is printed. */
export function faultPointsFor(
  io: CliIo,
  flag: string | undefined,
  subcommand: string,
): FaultPoints {
  const { faultPoints, warning } = resolveTestFaultPoints({
    env: io.env,
    flag,
    subcommand,
    kill: () => io.killSelf(),
  });
  if (warning !== undefined) io.stderr.write(`warning: ${warning}\n`);
  return faultPoints ?? noFaultPoints;
}

/** A read-only engine over the repository's run state (status, runs, events). */
export function readingEngine(io: CliIo, repoDir: string): Engine {
  return createEngine({ ports: io.ports, root: stateRoot(repoDir), eventLog: false });
}

/** The run id from the command line, checked before any path is built from it. */
export function runIdArgument(runId: string): string {
  return assertValidRunId(runId);
}

/** Aborts on SIGINT/SIGTERM; a second signal exits at once (130), the run staying resumable. */
export function interruption(
  io: CliIo,
  onFirst: (signal: NodeJS.Signals) => void,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const dispose = io.onInterrupt((signal) => {
    if (controller.signal.aborted) {
      io.stderr.write(`\nStopping now (${signal} again); the run is resumable.\n`);
      io.exitNow(130);
    }
    onFirst(signal);
    controller.abort(new Error(`Interrupted by ${signal}`));
  });
  return { signal: controller.signal, dispose };
}

/** A fresh run id: `YYYYMMDD-HHMMSS-xxxx` (UTC, four random base-36 characters). */
export function newRunId(io: CliIo): string {
  const stamp = new Date(io.ports.clock.now()).toISOString();
  const date = `${stamp.slice(0, 4)}${stamp.slice(5, 7)}${stamp.slice(8, 10)}`;
  const time = `${stamp.slice(11, 13)}${stamp.slice(14, 16)}${stamp.slice(17, 19)}`;
  let suffix = "";
  for (let index = 0; index < 4; index += 1) {
    suffix += Math.floor(io.ports.random.next() * 36).toString(36);
  }
  return `${date}-${time}-${suffix}`;
}
