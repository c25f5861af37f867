import { spawn } from "node:child_process";

export interface GitOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `git` against a bare repository and collects its output. `LC_ALL=C`
 * keeps messages in English whatever the machine's locale; the fixed
 * identity and dates make commits the simulator writes reproducible.
 */
export function runGit(
  gitDir: string,
  args: readonly string[],
  input?: string,
): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", [...args], {
      cwd: gitDir,
      env: {
        ...process.env,
        LC_ALL: "C",
        GIT_DIR: gitDir,
        GIT_AUTHOR_NAME: "GitHub Simulator",
        GIT_AUTHOR_EMAIL: "simulator@workflowmaster.invalid",
        GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
        GIT_COMMITTER_NAME: "GitHub Simulator",
        GIT_COMMITTER_EMAIL: "simulator@workflowmaster.invalid",
        GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
      },
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === null) {
        reject(new Error(`git ${args.join(" ")} was killed by ${signal ?? "a signal"}.`));
        return;
      }
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined && child.stdin) {
      child.stdin.on("error", (error: NodeJS.ErrnoException) => {
        // git may exit before reading its input; its exit code and stderr tell what happened.
        if (error.code !== "EPIPE") reject(error);
      });
      child.stdin.end(input);
    }
  });
}

/** Runs git and returns stdout, or throws naming the command and git's stderr. */
export async function gitOrThrow(
  gitDir: string,
  args: readonly string[],
  input?: string,
): Promise<string> {
  const output = await runGit(gitDir, args, input);
  if (output.code !== 0) {
    throw new Error(
      `Failed to run \`git ${args.join(" ")}\` in ${gitDir}: exit ${output.code}: ${output.stderr.trim()}`,
    );
  }
  return output.stdout;
}
