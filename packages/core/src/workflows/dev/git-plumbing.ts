import type { ProcessSpawner } from "../../ports/index.js";

/** What a failed git command leaves for `classify` (its command-result rules read it). */
export interface GitCommandFailure {
  command: "git";
  args: readonly string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * The low-level git commands the development workflow needs beyond
 * GitRepository (temporary indexes, attempt refs, tree ids), run through
 * the injected ProcessSpawner with the same fixed environment core/git
 * uses: English messages for `classify`, no prompts, no optional locks.
 */
export interface GitPlumbing {
  readonly dir: string;
  /** Runs git and returns its stdout; a non-zero exit throws an Error whose cause `classify` reads. */
  run(args: readonly string[], options?: PlumbingRunOptions): Promise<string>;
  /** Runs git and reports success or failure without throwing for a non-zero exit. */
  tryRun(
    args: readonly string[],
    options?: PlumbingRunOptions,
  ): Promise<{ ok: boolean; stdout: string; stderr: string }>;
}

export interface PlumbingRunOptions {
  env?: Record<string, string>;
  signal?: AbortSignal;
}

const FIXED_ENV = {
  LC_ALL: "C",
  LANGUAGE: "C",
  GIT_TERMINAL_PROMPT: "0",
  GIT_OPTIONAL_LOCKS: "0",
} as const;

export function createGitPlumbing(spawner: ProcessSpawner, dir: string): GitPlumbing {
  const exec = (args: readonly string[], options: PlumbingRunOptions) =>
    spawner.run("git", args, {
      cwd: dir,
      env: { ...options.env, ...FIXED_ENV },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  return {
    dir,
    async run(args, options = {}) {
      const result = await exec(args, options);
      if (options.signal?.aborted === true) throw options.signal.reason;
      if (result.exitCode !== 0) {
        const failure: GitCommandFailure = {
          command: "git",
          args,
          exitCode: result.exitCode,
          signal: result.signal,
          stderr: result.stderr,
        };
        const last = result.stderr.trim().split("\n").at(-1) ?? "";
        throw new Error(`git ${args[0] ?? ""} failed in ${dir}: ${last}`, { cause: failure });
      }
      return result.stdout;
    },
    async tryRun(args, options = {}) {
      const result = await exec(args, options);
      if (options.signal?.aborted === true) throw options.signal.reason;
      return { ok: result.exitCode === 0, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

/** Splits `-z` output into its entries. */
export function nulList(text: string): string[] {
  return text.split("\0").filter((entry) => entry !== "");
}
