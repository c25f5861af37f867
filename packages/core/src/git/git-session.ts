import { isAbsolute, resolve } from "node:path";
import { type SimpleGit, simpleGit } from "simple-git";
import { type ErrorCode, type ErrorContext, wfmError } from "../errors/catalogue.js";
import { shellQuote } from "../errors/classifiers/inspect.js";
import { classify } from "../errors/classify.js";
import type { WorkflowMasterError } from "../errors/workflow-master-error.js";
import type { FaultPoints } from "../ports/fault-points.js";
import { noFaultPoints } from "../ports/fault-points.js";
import type { FileSystem } from "../ports/file-system.js";
import { nodeFileSystem } from "../ports/file-system.js";
import type { ProcessSpawner, SpawnResult } from "../ports/process-spawner.js";
import { nodeProcessSpawner } from "../ports/process-spawner.js";
import type { Random } from "../ports/random.js";
import { systemRandom } from "../ports/random.js";
import { type GitEnvironment, gitEnvironment } from "./git-environment.js";
import { type GitProcessProbe, nodeGitProcessProbe } from "./git-process-probe.js";
import type { ParsedGitRepositoryOptions } from "./git-repository-options.js";

/** Where the repository's parts are, read once from git. */
export interface RepositoryLayout {
  /** The working tree's top directory. */
  readonly workTree: string;
  /** This working tree's git directory (`.git`, or `.git/worktrees/<name>`). */
  readonly gitDir: string;
  /** Shared objects and refs (the same as gitDir outside linked worktrees). */
  readonly commonDir: string;
  /** "sha1" or "sha256". */
  readonly objectFormat: string;
  /** A shallow clone: its history is cut short (`--is-shallow-repository`). */
  readonly shallow: boolean;
}

/** `rev-parse HEAD^{commit} --symbolic-full-name HEAD`, as answered: a ref of "HEAD" means detached. */
export interface HeadAnswer {
  readonly sha: string;
  readonly ref: string;
}

export type RawResult =
  | { readonly ok: true; readonly stdout: string }
  | { readonly ok: false; readonly error: unknown; readonly message: string };

/** A network or check-ref-format command run through the spawner. */
export interface TimedResult extends SpawnResult {
  readonly args: readonly string[];
  /** True when it was cut off by its time limit (not by the caller's signal). */
  readonly timedOut: boolean;
}

/** Reading processes at once: as many as preflight's checks that run at once start through it. */
const READERS_AT_ONCE = 5;

/** Where the repository's parts are, in one `rev-parse` (see readLayout). */
const LAYOUT_ARGS = [
  "rev-parse",
  "--show-toplevel",
  "--absolute-git-dir",
  "--git-common-dir",
  "--show-object-format",
  // Asked here, in the one process already run, rather than by a process of its own.
  "--is-shallow-repository",
];

/** Values that end up in shell commands in the catalogue's `command`s. */
const SHELL_VALUES = ["cwd", "path", "branch", "remote", "ref", "good", "url", "upstream"] as const;

/**
 * Everything one repository's checks and operations share: the single
 * simple-git instance, the spawner for commands that need their own time
 * limit or cancellation, the environment, and catalogue errors filled with
 * this repository's context. Callers hold the repository lock.
 */
export class GitSession {
  readonly fs: FileSystem;
  readonly spawner: ProcessSpawner;
  readonly random: Random;
  readonly faultPoints: FaultPoints;
  readonly probe: GitProcessProbe;
  readonly environment: GitEnvironment;
  readonly dir: string;
  private instance: SimpleGit | undefined;
  private readerInstance: SimpleGit | undefined;
  private cachedLayout: RepositoryLayout | undefined;

  constructor(readonly options: ParsedGitRepositoryOptions) {
    this.dir = resolve(options.dir);
    this.fs = options.fs ?? nodeFileSystem;
    this.spawner = options.spawner ?? nodeProcessSpawner;
    this.random = options.random ?? systemRandom;
    this.faultPoints = options.faultPoints ?? noFaultPoints;
    this.probe = options.processProbe ?? nodeGitProcessProbe;
    this.environment = gitEnvironment(process.env, options.env ?? {}, options.identity);
  }

  /**
   * The simple-git instance for everything that may change the repository:
   * one process at a time, so a command abandoned by an aborted phase (a
   * simple-git command runs to its end or its inactivity limit) is never
   * overlapped by the next. Every non-zero exit is an error (simple-git's
   * default ignores an exit code without stderr), with a rolling inactivity
   * limit. Created on first use, because simple-git refuses a directory
   * that does not exist, which preflight reports itself. simple-git is
   * patched (patches/simple-git@3.36.0.patch): unpatched, a command that
   * prints nothing (a clean `status`, `cat-file -e`, `add`) waits 50 ms more
   * for late output even after the process's stdio has closed — a quarter
   * of a dev run's time. After 'close' nothing can come.
   */
  get git(): SimpleGit {
    this.instance ??= this.createInstance(1);
    return this.instance;
  }

  /**
   * The instance for commands that only read (`read`): up to
   * READERS_AT_ONCE processes at once, which preflight's checks use. A
   * reader takes no lock (the environment sets `GIT_OPTIONAL_LOCKS=0`, so
   * not even `status` refreshes the index), so it never collides with a
   * writer, abandoned or not.
   */
  private get readers(): SimpleGit {
    this.readerInstance ??= this.createInstance(READERS_AT_ONCE);
    return this.readerInstance;
  }

  private createInstance(maxConcurrentProcesses: number): SimpleGit {
    return simpleGit({
      baseDir: this.dir,
      maxConcurrentProcesses,
      trimmed: false,
      timeout: { block: this.options.commandInactivityMs },
      unsafe: this.environment.unsafe,
      errors(error, result) {
        if (error !== undefined) return error;
        if (result.exitCode === 0) return undefined;
        const stderr = Buffer.concat(result.stdErr);
        if (stderr.length > 0) return stderr;
        const stdout = Buffer.concat(result.stdOut).toString("utf8").trim();
        return Buffer.from(
          `git exited with code ${result.exitCode}${stdout === "" ? "" : `: ${stdout}`}`,
        );
      },
    }).env({ ...this.environment.env });
  }

  /** Runs git through simple-git; a non-zero exit throws simple-git's GitError. */
  raw(args: readonly string[]): Promise<string> {
    return this.git.raw([...args]);
  }

  /** Like `raw`, with failure as data, for commands whose failure is an answer. */
  tryRaw(args: readonly string[]): Promise<RawResult> {
    return asResult(() => this.raw(args));
  }

  /** Like `raw`, for a command that only reads: it may run at once with other reads. */
  read(args: readonly string[]): Promise<string> {
    return this.readers.raw([...args]);
  }

  /** Like `tryRaw`, for a command that only reads. */
  tryRead(args: readonly string[]): Promise<RawResult> {
    return asResult(() => this.read(args));
  }

  /**
   * Runs git through the spawner with a time limit and the caller's signal:
   * for the network (push, fetch, ls-remote), whose hang must be cut and
   * whose cancellation must reach the process. The limit is real time: it
   * bounds a real process, whatever clock the engine runs on.
   */
  async timed(
    args: readonly string[],
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<TimedResult> {
    const limit = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal === undefined ? limit : AbortSignal.any([options.signal, limit]);
    const result = await this.spawner.run("git", args, {
      cwd: this.dir,
      env: { ...this.environment.env },
      signal,
      killGraceMs: 2_000,
    });
    return { ...result, args, timedOut: limit.aborted && options.signal?.aborted !== true };
  }

  /** Where the repository's parts are, as last read; reads them when never read. */
  async layout(): Promise<RepositoryLayout> {
    return this.cachedLayout ?? this.readLayout();
  }

  /**
   * Asks git where the repository's parts are, now (the repository check
   * always does: HEAD may have been damaged since the last look). Throws
   * simple-git's error when git does not see a repository.
   */
  async readLayout(): Promise<RepositoryLayout> {
    this.cachedLayout = undefined;
    return this.parseLayout(await this.raw(LAYOUT_ARGS)).layout;
  }

  /**
   * `readLayout`, with HEAD's commit and the ref HEAD names asked in the
   * same process (rev-parse's `--symbolic-full-name` applies to the HEAD
   * after it). When HEAD has no commit (unborn, detached at a missing
   * object, damaged) that question fails the whole command, so the layout
   * is asked again alone and `head` is null.
   */
  async readLayoutAndHead(): Promise<{ layout: RepositoryLayout; head: HeadAnswer | null }> {
    this.cachedLayout = undefined;
    const both = await this.tryRaw([
      ...LAYOUT_ARGS,
      "HEAD^{commit}",
      "--symbolic-full-name",
      "HEAD",
    ]);
    if (!both.ok) return { layout: await this.readLayout(), head: null };
    const { layout, rest } = this.parseLayout(both.stdout);
    const [sha = "", ref = ""] = rest;
    return { layout, head: { sha, ref } };
  }

  /** The layout from `LAYOUT_ARGS`' answer (rev-parse answers in the order asked), and the lines after it. */
  private parseLayout(output: string): { layout: RepositoryLayout; rest: string[] } {
    const [workTree = "", gitDir = "", common = "", objectFormat = "sha1", shallow = "", ...rest] =
      output.split("\n");
    const commonDir = isAbsolute(common) ? common : resolve(this.dir, common);
    this.cachedLayout = { workTree, gitDir, commonDir, objectFormat, shallow: shallow === "true" };
    return { layout: this.cachedLayout, rest };
  }

  /** Context every error of this repository carries. */
  baseContext(): ErrorContext {
    return {
      cwd: this.dir,
      remote: this.options.remote,
      ...(this.options.runId === undefined ? {} : { runId: this.options.runId }),
    };
  }

  /** A catalogue error with this repository's context, values in commands shell-quoted. */
  error(
    code: ErrorCode,
    options: { message: string; context?: ErrorContext; cause?: unknown },
  ): WorkflowMasterError {
    const context: Record<string, string | number | undefined> = {
      ...this.baseContext(),
      ...options.context,
    };
    for (const name of SHELL_VALUES) {
      const value = context[name];
      if (typeof value === "string" && value !== "") context[name] = shellQuote(value);
    }
    return wfmError(code, { message: options.message, context, cause: options.cause });
  }

  /** `classify` with this repository's context and the injected clock. */
  classify(error: unknown, context: ErrorContext = {}): WorkflowMasterError {
    return classify(error, {
      now: this.options.clock.now(),
      context: { ...this.baseContext(), ...context },
    });
  }

  /** A failed spawned git command, classified by git's own words. */
  classifyResult(result: TimedResult, context: ErrorContext = {}): WorkflowMasterError {
    return this.classify(
      {
        exitCode: result.exitCode,
        ...(result.signal === null ? {} : { signal: result.signal }),
        stderr: result.stderr,
        command: "git",
        args: [...result.args],
      },
      context,
    );
  }

  /** Context for fault points. */
  faultContext(): { runId?: string; phase?: string } {
    return {
      ...(this.options.runId === undefined ? {} : { runId: this.options.runId }),
      ...(this.options.phase === undefined ? {} : { phase: this.options.phase }),
    };
  }
}

/** A command's failure as data (a throw before it starts too: simple-git refuses a missing directory). */
async function asResult(command: () => Promise<string>): Promise<RawResult> {
  try {
    return { ok: true, stdout: await command() };
  } catch (error) {
    return { ok: false, error, message: error instanceof Error ? error.message : String(error) };
  }
}
