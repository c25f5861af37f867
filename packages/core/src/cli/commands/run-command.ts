import { tmpdir } from "node:os";
import { shellQuote } from "../../errors/classifiers/inspect.js";
import { wfmError } from "../../errors/index.js";
import { ensureGitExclude } from "../../state/index.js";
import {
  DEV_WORKFLOW_DEFAULTS,
  type DevRunInput,
  devRunInput,
  devRunInputProblem,
} from "../../workflows/index.js";
import { alertSettings } from "../alert-settings.js";
import { invalidInput, usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import type { openDevSession } from "../dev-session.js";
import { parseRepoSlug } from "../github-remote.js";
import {
  depthOf,
  githubApiUrl,
  newRunId,
  originRepository,
  repositoryFor,
  runIdArgument,
  tokenFor,
} from "./command-context.js";
import { openCommandSession } from "./command-session.js";
import { reportOutcome } from "./run-outcome.js";

export interface RunCommandOptions {
  title: string;
  body?: string;
  bodyFile?: string;
  implement?: string;
  base: string;
  cwd?: string;
  githubRepo?: string;
  runId?: string;
  json: boolean;
  /** `90`, `90s`, `15m`, `2h`, `500ms`. */
  implementTimeout?: string;
  implementInactivity?: string;
  chaosFaultPoint?: string;
  /** `--no-alert-comment` sets it false: alerts are not commented on the run's issue. */
  alertComment?: boolean;
}

/** A duration as a person writes it: a number with `ms`, `s` (the default), `m` or `h`. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d{1,9})(ms|s|m|h)?$/.exec(text.trim());
  const amount = Number(match?.[1] ?? Number.NaN);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match?.[2] ?? "s"] ?? 1000;
  if (match === null || amount <= 0 || amount * unit > 7 * 24 * 3_600_000) {
    throw invalidInput(
      "run",
      flag,
      `must be a positive duration of at most a week, like 90s, 15m or 2h (got ${JSON.stringify(text.slice(0, 40))})`,
    );
  }
  return amount * unit;
}

/** Which flag each input field comes from, for messages. */
const FLAG_OF: Record<string, string> = {
  title: "--title",
  body: "--body",
  repo: "--github-repo",
  base: "--base",
  "implement.command": "--implement",
  "implement.inactivityMs": "--implement-inactivity",
  "implement.timeoutMs": "--implement-timeout",
};

/**
 * `workflowmaster run`: checks everything it can before anything is
 * created (the values, the repository, the GitHub repository and token, the
 * base branch name), then starts a development run and follows it to its
 * end. Bad input exits 2 with one message; the run's own outcome gives
 * 0 / 1 / 3 / 130.
 */
export async function runCommand(io: CliIo, options: RunCommandOptions): Promise<number> {
  const depth = depthOf(io);
  if (options.body !== undefined && options.bodyFile !== undefined) {
    throw usageError("--body and --body-file cannot be used together; give one of them");
  }
  const repoDir = await repositoryFor(io, options.cwd, "run");
  const body =
    options.bodyFile === undefined ? (options.body ?? "") : await readBody(io, options.bodyFile);
  const command = options.implement ?? io.env.WORKFLOWMASTER_IMPLEMENT ?? "";
  if (command.trim() === "") {
    throw invalidInput(
      "run",
      "--implement",
      "is required: give the command that makes the change (or set WORKFLOWMASTER_IMPLEMENT)",
    );
  }
  const runId = runIdArgument(options.runId ?? newRunId(io));
  const settings = {
    base: options.base,
    implement: {
      command,
      inactivityMs:
        options.implementInactivity === undefined
          ? DEV_WORKFLOW_DEFAULTS.inactivityMs
          : parseDuration(options.implementInactivity, "--implement-inactivity"),
      timeoutMs:
        options.implementTimeout === undefined
          ? DEV_WORKFLOW_DEFAULTS.timeoutMs
          : parseDuration(options.implementTimeout, "--implement-timeout"),
    },
  };
  const checked = (repo: { owner: string; name: string }): DevRunInput => {
    const input = devRunInput({ repo, ...settings }, { title: options.title, body });
    const problem = devRunInputProblem(input);
    if (problem !== undefined) {
      throw invalidInput("run", FLAG_OF[problem.field] ?? problem.field, problem.message);
    }
    return input;
  };
  // The values first, so a bad title is reported as such wherever the run would go.
  checked({ owner: "owner", name: "name" });
  const repo =
    options.githubRepo === undefined
      ? await originRepository(io, repoDir)
      : (parseRepoSlug(options.githubRepo) ??
        (() => {
          throw invalidInput(
            "run",
            "--github-repo",
            `must be OWNER/NAME as GitHub spells it, got ${JSON.stringify(options.githubRepo?.slice(0, 120))}`,
          );
        })());
  const input = checked(repo);
  await checkBranchName(io, input.base);
  const baseUrl = githubApiUrl(io, "run");
  const alerts = alertSettings(io, "run", options);
  const { token } = await tokenFor(io, repoDir, { repo: input.repo, runId });
  const { out, progress, session, interruptible, close } = openCommandSession(io, {
    subcommand: "run",
    repoDir,
    runId,
    input,
    token,
    baseUrl,
    chaosFaultPoint: options.chaosFaultPoint,
    depth,
    alerts,
  });
  try {
    await checkGithubRepository(session.github, repo, repoDir, (text) => progress.note(text));
    // Before the run store exists: run state is never seen as a change to commit.
    await ensureGitExclude(out.ports.fs, repoDir);
    return await interruptible(async (signal) => {
      const outcome = await session.engine.start(session.workflow, { runId, input, signal });
      progress.stop();
      return reportOutcome(out, outcome, { json: options.json, repoDir });
    });
  } finally {
    await close();
  }
}

async function readBody(io: CliIo, path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await io.ports.fs.readFile(path.startsWith("/") ? path : `${io.cwd}/${path}`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw invalidInput(
      "run",
      "--body-file",
      `could not be read (${code}): ${JSON.stringify(path)}`,
    );
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalidInput("run", "--body-file", `is not UTF-8 text: ${JSON.stringify(path)}`);
  }
}

/** git's own verdict on the base branch's name (asked outside the repository, which may be damaged). */
async function checkBranchName(io: CliIo, base: string): Promise<void> {
  const result = await io.ports.spawner.run("git", ["check-ref-format", "--branch", base], {
    cwd: tmpdir(),
    env: { LC_ALL: "C" },
  });
  if (result.exitCode !== 0) {
    throw invalidInput(
      "run",
      "--base",
      `is not a branch name git accepts: ${JSON.stringify(base)}`,
    );
  }
}

/**
 * One request, no retries: GitHub answering 404 (or 401) here means the
 * repository or the token is wrong — exit 2 before anything is created. A
 * network failure is not decided here: the run's own retries and pauses
 * deal with it.
 */
async function checkGithubRepository(
  github: ReturnType<typeof openDevSession>["github"],
  repo: { owner: string; name: string },
  repoDir: string,
  note: (text: string) => void,
): Promise<void> {
  try {
    await github.rest.repos.get({ owner: repo.owner, repo: repo.name });
  } catch (error) {
    const classified = github.workflowmaster.classify(error, {
      repo: `${repo.owner}/${repo.name}`,
    });
    if (classified.code === "WFM-GITHUB-NOT-FOUND") {
      throw wfmError("WFM-CLI-REPO-UNKNOWN", {
        message: `GitHub has no repository ${repo.owner}/${repo.name} that this token can see.`,
        context: {
          cwd: shellQuote(repoDir),
          detail: `GitHub answered 404 for ${repo.owner}/${repo.name} (it does not exist, or the token cannot see it)`,
        },
      });
    }
    if (classified.code === "WFM-GITHUB-BAD-CREDENTIALS") throw classified;
    note(
      `could not check ${repo.owner}/${repo.name} on GitHub yet (${classified.code}); the run retries`,
    );
  }
}
