import { spawn } from "node:child_process";

export interface SpawnOptions {
  cwd: string;
  /** Merged over the parent's environment. */
  env?: Record<string, string>;
  /** Aborting kills the child (SIGTERM, then SIGKILL after `killGraceMs`). */
  signal?: AbortSignal;
  killGraceMs?: number;
  /** Called for every chunk of output; feeds inactivity watchdogs. */
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  input?: string;
}

export interface SpawnResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Process spawning, injected so the harness can observe and kill children. */
export interface ProcessSpawner {
  run(command: string, args: readonly string[], options: SpawnOptions): Promise<SpawnResult>;
  /** Whether a process with this pid exists on this host. */
  isAlive(pid: number): boolean;
  /** This process's pid. */
  readonly pid: number;
}

export const nodeProcessSpawner: ProcessSpawner = {
  pid: process.pid,
  isAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM means it exists but belongs to someone else.
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  },
  run(command, args, options) {
    return new Promise<SpawnResult>((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ["pipe", "pipe", "pipe"],
        detached: true,
      });
      let stdout = "";
      let stderr = "";
      let killTimer: NodeJS.Timeout | undefined;
      const killGroup = (signal: NodeJS.Signals) => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, signal);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
        }
      };
      const onAbort = () => {
        killGroup("SIGTERM");
        killTimer = setTimeout(() => killGroup("SIGKILL"), options.killGraceMs ?? 2000);
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        options.onOutput?.(chunk, "stdout");
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        options.onOutput?.(chunk, "stderr");
      });
      child.on("error", (error) => {
        options.signal?.removeEventListener("abort", onAbort);
        clearTimeout(killTimer);
        reject(error);
      });
      child.on("close", (exitCode, signal) => {
        options.signal?.removeEventListener("abort", onAbort);
        clearTimeout(killTimer);
        resolve({ exitCode, signal, stdout, stderr });
      });
      child.stdin.on("error", (error: NodeJS.ErrnoException) => {
        // The child may exit without reading its input; that is its business.
        if (error.code !== "EPIPE") reject(error);
      });
      child.stdin.end(options.input ?? "");
      if (options.signal?.aborted) onAbort();
    });
  },
};
