import { execFile } from "node:child_process";

/** How a git command ended. */
export interface GitRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunGitOptions {
  cwd: string;
  /** Merged over the parent's environment, after the fixed test identity. */
  env?: Readonly<Record<string, string>>;
  /** Written to git's standard input. */
  input?: string;
}

/**
 * The identity the test kit and the corruptors commit as, given through the
 * environment of each command and never written to any config file, so a
 * test can check that a repository's config is untouched.
 */
export const CHAOS_GIT_IDENTITY: Readonly<Record<string, string>> = {
  GIT_AUTHOR_NAME: "Chaos Collaborator",
  GIT_AUTHOR_EMAIL: "chaos@workflowmaster.invalid",
  GIT_COMMITTER_NAME: "Chaos Collaborator",
  GIT_COMMITTER_EMAIL: "chaos@workflowmaster.invalid",
};

/**
 * Runs the real git binary. English messages (`LC_ALL=C`) so tests can
 * match them; never prompts (`GIT_TERMINAL_PROMPT=0`). Resolves with the
 * exit code whatever it is: callers that expect success use `git()`.
 */
export function runGit(args: readonly string[], options: RunGitOptions): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      [...args],
      {
        cwd: options.cwd,
        env: {
          ...process.env,
          ...CHAOS_GIT_IDENTITY,
          ...options.env,
          LC_ALL: "C",
          GIT_TERMINAL_PROMPT: "0",
        },
        maxBuffer: 256 * 1024 * 1024,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          // Not an exit status: git could not be started at all (ENOENT, EACCES).
          reject(error);
          return;
        }
        resolve({ exitCode: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Runs git and returns its standard output; a non-zero exit throws with git's own words. */
export async function git(args: readonly string[], options: RunGitOptions): Promise<string> {
  const run = await runGit(args, options);
  if (run.exitCode !== 0) {
    throw new Error(
      `git ${args.join(" ")} failed in ${options.cwd} (exit ${run.exitCode}): ${run.stderr.trim() || run.stdout.trim()}`,
    );
  }
  return run.stdout;
}
