import { spawn } from "node:child_process";

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node ARGS` as a child process and collects its output (its stderr
 * passed through instead with `inheritStderr`, for progress lines a person
 * is waiting on); rejects only when it cannot start.
 */
export function runNode(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; inheritStderr?: boolean },
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", options.inheritStderr === true ? "inherit" : "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Fails with the child's own words when it did not exit 0. */
export function expectSuccess(what: string, result: ChildResult): void {
  if (result.code === 0) return;
  throw new Error(
    `${what} exited ${result.signal ?? result.code}: ${result.stderr.trim().split("\n").slice(-15).join("\n")}`,
  );
}
