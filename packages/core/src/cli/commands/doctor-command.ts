import { classify, isWorkflowMasterError, type WorkflowMasterError } from "../../errors/index.js";
import { createGitRepository } from "../../git/index.js";
import { createGithubClient, createTokenRedactor } from "../../github/index.js";
import { noFaultPoints } from "../../ports/index.js";
import { formatBytes } from "../../resources/index.js";
import { listRuns, openRunStore, readRun, stateRoot } from "../../state/index.js";
import { oneLine } from "../cli-error.js";
import { type CliIo, redactedIo } from "../cli-io.js";
import {
  githubApiUrl,
  originRepository,
  readingEngine,
  repositoryFor,
  tokenFor,
} from "./command-context.js";

export interface DoctorCommandOptions {
  cwd?: string;
  json: boolean;
}

/** `ok` and `warning` are healthy; a `problem` makes doctor exit 1. */
export type CheckStatus = "ok" | "warning" | "problem" | "skipped";

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
  code?: string;
  guidance?: string;
  command?: string;
}

export interface DoctorRun {
  runId: string;
  /** `ok`: reads cleanly; `recovered`: damage was repaired now; `damaged`: cannot be read. */
  health: "ok" | "recovered" | "damaged" | "in-use";
  state?: string;
  detail?: string;
  code?: string;
}

/** git 2.23 brought `git switch`, which core/git uses. */
const MIN_GIT = [2, 23] as const;
const MiB = 1024 * 1024;
const DISK_PROBLEM_BYTES = 64 * MiB;
const DISK_WARNING_BYTES = 512 * MiB;
const RATE_LIMIT_WARNING = 100;

/**
 * `workflowmaster doctor`: what a run depends on, checked: git and its
 * version, the repository (core/git's preflight, every finding), the
 * remote, the GitHub repository, the token (valid, its scopes or the
 * permissions GitHub asks for, push access), the rate limit left, free disk
 * on the repository's filesystem, and every run's state (damage that can be
 * repaired is repaired — what `resume` would do — and what cannot is named
 * with its code). Exit 0 when nothing is a problem, 1 otherwise.
 */
export async function doctorCommand(io: CliIo, options: DoctorCommandOptions): Promise<number> {
  const repoDir = await repositoryFor(io, options.cwd, "doctor");
  const checks: DoctorCheck[] = [];
  const fromError = (name: string, error: WorkflowMasterError, status: CheckStatus = "problem") =>
    checks.push({
      name,
      status,
      detail: error.message,
      code: error.code,
      guidance: error.guidance,
      ...(error.command === undefined ? {} : { command: error.command }),
    });

  checks.push(await gitVersion(io, repoDir));

  const git = createGitRepository({
    dir: repoDir,
    clock: io.ports.clock,
    spawner: io.ports.spawner,
    fs: io.ports.fs,
    random: io.ports.random,
  });
  for (const finding of await git.preflight()) {
    const name = `repository: ${finding.check}`;
    if (finding.status === "refused") fromError(name, finding.error);
    else if (finding.status === "repaired")
      checks.push({ name, status: "ok", detail: `repaired: ${finding.detail}` });
    else checks.push({ name, status: finding.status, detail: finding.detail });
  }

  let token: string | undefined;
  let redact = (text: string) => text;
  try {
    token = (await tokenFor(io, repoDir, {})).token;
    redact = createTokenRedactor(token);
  } catch (error) {
    if (!isWorkflowMasterError(error)) throw error;
    fromError("github: token", error);
  }
  const out = redactedIo(io, redact);

  let repo: { owner: string; name: string } | undefined;
  try {
    repo = await originRepository(io, repoDir);
  } catch (error) {
    if (!isWorkflowMasterError(error)) throw error;
    fromError("github: repository", error);
  }

  if (token !== undefined) {
    checks.push(...(await githubChecks(io, token, repo)));
  }
  checks.push(await diskCheck(io, repoDir));
  const runs = await runChecks(io, repoDir);
  for (const run of runs) {
    if (run.health === "damaged") {
      checks.push({
        name: `run ${run.runId}`,
        status: "problem",
        detail: run.detail ?? "its state cannot be read",
        ...(run.code === undefined ? {} : { code: run.code }),
        guidance: "Keep the run's directory for diagnosis; start a new run for the same work.",
        command: `workflowmaster events ${run.runId}`,
      });
    }
  }

  const healthy = checks.every((check) => check.status !== "problem");
  if (options.json) {
    out.stdout.write(`${JSON.stringify({ healthy, repository: repoDir, checks, runs })}\n`);
  } else {
    const mark: Record<CheckStatus, string> = {
      ok: "ok",
      warning: "WARN",
      problem: "FAIL",
      skipped: "skip",
    };
    const lines = [`WorkflowMaster doctor — ${repoDir}`];
    for (const check of checks) {
      lines.push(`  [${mark[check.status].padEnd(4)}] ${check.name}: ${oneLine(check.detail)}`);
      if (check.status === "problem" || check.status === "warning") {
        if (check.guidance !== undefined)
          lines.push(`         What to do: ${oneLine(check.guidance)}`);
        if (check.command !== undefined) lines.push(`         Next: ${oneLine(check.command)}`);
      }
    }
    lines.push(runs.length === 0 ? "  Runs: none" : "  Runs:");
    for (const run of runs) {
      lines.push(
        `    ${run.runId}: ${run.health}${run.state === undefined ? "" : ` (${run.state})`}${run.detail === undefined ? "" : ` — ${oneLine(run.detail)}`}`,
      );
    }
    lines.push(healthy ? "Healthy." : "Not healthy: see the FAIL lines above.");
    out.stdout.write(`${lines.join("\n")}\n`);
  }
  return healthy ? 0 : 1;
}

async function gitVersion(io: CliIo, repoDir: string): Promise<DoctorCheck> {
  let result: Awaited<ReturnType<CliIo["ports"]["spawner"]["run"]>>;
  try {
    result = await io.ports.spawner.run("git", ["--version"], {
      cwd: repoDir,
      env: { LC_ALL: "C" },
    });
  } catch (error) {
    const classified = classify(error, { context: { path: "git" } });
    return {
      name: "git",
      status: "problem",
      detail: `git could not be started: ${classified.message}`,
      code: classified.code,
      guidance: "Install git 2.23 or newer and make sure it is on PATH.",
      command: "git --version",
    };
  }
  const match = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(result.stdout);
  if (result.exitCode !== 0 || match === null) {
    return {
      name: "git",
      status: "problem",
      detail: `\`git --version\` said ${JSON.stringify(result.stdout.trim())}`,
      command: "git --version",
    };
  }
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const recent = major > MIN_GIT[0] || (major === MIN_GIT[0] && minor >= MIN_GIT[1]);
  return recent
    ? { name: "git", status: "ok", detail: `git ${match[0].slice("git version ".length)}` }
    : {
        name: "git",
        status: "problem",
        detail: `git ${major}.${minor} is older than ${MIN_GIT.join(".")}`,
        guidance: `Install git ${MIN_GIT.join(".")} or newer.`,
        command: "git --version",
      };
}

async function githubChecks(
  io: CliIo,
  token: string,
  repo: { owner: string; name: string } | undefined,
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  let baseUrl: string;
  try {
    baseUrl = githubApiUrl(io, "doctor");
  } catch (error) {
    if (!isWorkflowMasterError(error)) throw error;
    return [
      {
        name: "github: api",
        status: "problem",
        detail: error.message,
        code: error.code,
        guidance: error.guidance,
      },
    ];
  }
  const github = createGithubClient({
    token,
    baseUrl,
    fetch: io.ports.fetch,
    clock: io.ports.clock,
    random: io.ports.random,
  });
  const problem = (name: string, error: unknown): DoctorCheck => {
    const classified = github.workflowmaster.classify(
      error,
      repo === undefined ? {} : { repo: `${repo.owner}/${repo.name}` },
    );
    return {
      name,
      status: "problem",
      detail: classified.message,
      code: classified.code,
      guidance: classified.guidance,
      ...(classified.command === undefined ? {} : { command: classified.command }),
    };
  };

  try {
    const user = await github.rest.users.getAuthenticated();
    const scopes = user.headers["x-oauth-scopes"];
    const accepted = user.headers["x-accepted-github-permissions"];
    const parts = [`valid, for ${user.data.login}`];
    if (typeof scopes === "string")
      parts.push(`scopes: ${scopes === "" ? "(none: a fine-grained token)" : scopes}`);
    if (typeof accepted === "string" && accepted !== "") parts.push(`GitHub asks for: ${accepted}`);
    checks.push({ name: "github: token", status: "ok", detail: parts.join("; ") });
  } catch (error) {
    checks.push(problem("github: token", error));
    return checks;
  }

  if (repo !== undefined) {
    try {
      const found = await github.rest.repos.get({ owner: repo.owner, repo: repo.name });
      const push = found.data.permissions?.push;
      checks.push(
        push === false
          ? {
              name: "github: repository",
              status: "problem",
              detail: `${repo.owner}/${repo.name}: the token cannot push (branches and pull requests need it)`,
              guidance:
                "Give the token Contents: write, Issues: write and Pull requests: write on the repository.",
              command: `gh repo view ${repo.owner}/${repo.name}`,
            }
          : {
              name: "github: repository",
              status: "ok",
              detail: `${repo.owner}/${repo.name}${push === true ? " (push allowed)" : ""}`,
            },
      );
    } catch (error) {
      checks.push(problem("github: repository", error));
    }
  }

  try {
    const limits = await github.rest.rateLimit.get();
    const core = limits.data.resources.core;
    const reset = new Date(core.reset * 1000).toISOString();
    checks.push({
      name: "github: rate limit",
      status: core.remaining < RATE_LIMIT_WARNING ? "warning" : "ok",
      detail: `${core.remaining} of ${core.limit} requests left; resets at ${reset}`,
      ...(core.remaining < RATE_LIMIT_WARNING
        ? { guidance: `Few requests are left; runs will wait until ${reset}.` }
        : {}),
    });
  } catch (error) {
    checks.push(problem("github: rate limit", error));
  }
  return checks;
}

async function diskCheck(io: CliIo, repoDir: string): Promise<DoctorCheck> {
  const { availableBytes } = await io.ports.fs.statfs(repoDir);
  const detail = `${formatBytes(availableBytes)} free on the filesystem holding ${repoDir}`;
  if (availableBytes < DISK_PROBLEM_BYTES) {
    return {
      name: "disk",
      status: "problem",
      detail,
      guidance: `Runs pause below ${formatBytes(DISK_PROBLEM_BYTES)}. Free some space.`,
      command: `df -h ${repoDir}`,
    };
  }
  return {
    name: "disk",
    status: availableBytes < DISK_WARNING_BYTES ? "warning" : "ok",
    detail,
    ...(availableBytes < DISK_WARNING_BYTES
      ? { guidance: "Space is getting low; free some soon." }
      : {}),
  };
}

async function runChecks(io: CliIo, repoDir: string): Promise<DoctorRun[]> {
  const root = stateRoot(repoDir);
  const engine = readingEngine(io, repoDir);
  const runs: DoctorRun[] = [];
  for (const runId of await listRuns({ fs: io.ports.fs, root })) {
    let repaired: string | undefined;
    try {
      const read = await readRun({ fs: io.ports.fs, root, runId });
      const needs =
        read.recovery.droppedBytes > 0 ||
        read.recovery.snapshotsRejected.length > 0 ||
        read.strayTempFiles.length > 0;
      if (needs) {
        // Opening repairs (drops a torn tail, sets bad snapshots aside,
        // removes temp files) exactly as `resume` would, under the run lock.
        const { store, loaded } = await openRunStore({
          fs: io.ports.fs,
          clock: io.ports.clock,
          random: io.ports.random,
          spawner: io.ports.spawner,
          faultPoints: noFaultPoints,
          root,
          runId,
        });
        await store.close();
        const report = loaded.recovery;
        repaired = [
          report.droppedBytes > 0
            ? `dropped a torn journal tail of ${report.droppedBytes} bytes`
            : "",
          report.snapshotsRejected.length > 0
            ? `set aside ${report.snapshotsRejected.length} damaged snapshot(s)`
            : "",
          report.tempFilesRemoved.length > 0
            ? `removed ${report.tempFilesRemoved.length} stray temp file(s)`
            : "",
        ]
          .filter((part) => part !== "")
          .join("; ");
      }
      const snapshot = await engine.status(runId);
      runs.push({
        runId,
        health: repaired === undefined ? "ok" : "recovered",
        state: snapshot.state,
        ...(repaired === undefined ? {} : { detail: repaired }),
      });
    } catch (thrown) {
      // Whatever stops a run from being read is reported with its code, not thrown.
      const error = isWorkflowMasterError(thrown)
        ? thrown
        : classify(thrown, { context: { runId, path: root } });
      runs.push(
        error.code === "WFM-RUN-LOCKED"
          ? { runId, health: "in-use", detail: error.message, code: error.code }
          : { runId, health: "damaged", detail: error.message, code: error.code },
      );
    }
  }
  return runs;
}
