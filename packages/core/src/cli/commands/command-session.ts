import { createTokenRedactor } from "../../github/index.js";
import type { DevRunInput } from "../../workflows/index.js";
import type { AlertSettings } from "../alert-settings.js";
import { type CliIo, redactedIo } from "../cli-io.js";
import { type DevSession, openDevSession } from "../dev-session.js";
import { createProgressReporter, type ProgressReporter } from "../progress-reporter.js";
import { faultPointsFor, interruption } from "./command-context.js";

export interface CommandSessionOptions {
  subcommand: "run" | "resume" | "rollback";
  repoDir: string;
  runId: string;
  input: DevRunInput;
  token: string;
  /** `GITHUB_API_URL`, already checked. */
  baseUrl: string;
  /** The hidden test-only `--chaos-fault-point` value. */
  chaosFaultPoint: string | undefined;
  depth: number;
  alerts?: AlertSettings;
}

/** What `run`, `resume` and `rollback` each work with. */
export interface CommandSession {
  /** The command's io with the token redacted from everything written. */
  readonly out: CliIo;
  readonly progress: ProgressReporter;
  readonly session: DevSession;
  /**
   * Runs `work` so that SIGINT/SIGTERM stops it at the next safe point (a
   * second signal exits at once, the run resumable).
   */
  interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Stops the progress line and closes the session. */
  close(): Promise<void>;
}

/**
 * The shared start of the commands that drive the dev workflow: the token
 * redacted from all output, the test fault points, a progress reporter and
 * the dev session. A bad `--chaos-fault-point` is refused before anything
 * is opened.
 */
export function openCommandSession(io: CliIo, options: CommandSessionOptions): CommandSession {
  const out = redactedIo(io, createTokenRedactor(options.token));
  const faultPoints = faultPointsFor(out, options.chaosFaultPoint, options.subcommand);
  const progress = createProgressReporter({
    stream: out.stderr,
    clock: out.ports.clock,
    interactive: out.stderr.isTTY,
  });
  const session = openDevSession({
    io: out,
    repoDir: options.repoDir,
    runId: options.runId,
    input: options.input,
    token: options.token,
    baseUrl: options.baseUrl,
    faultPoints,
    progress,
    depth: options.depth,
    ...(options.alerts === undefined ? {} : { alerts: options.alerts }),
  });
  return {
    out,
    progress,
    session,
    async interruptible(work) {
      const interrupt = interruption(out, (signal) =>
        progress.note(`${signal}: stopping at the next safe point (press again to stop at once)`),
      );
      try {
        return await work(interrupt.signal);
      } finally {
        interrupt.dispose();
      }
    },
    async close() {
      progress.stop();
      await session.close();
    },
  };
}
