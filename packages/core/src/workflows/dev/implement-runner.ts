import { dirname, join } from "node:path";
import { wfmError } from "../../errors/index.js";
import type { Clock, FileSystem, ProcessSpawner, SpawnResult } from "../../ports/index.js";
import type { ProcessGroups } from "./process-groups.js";

/**
 * The user's command runs as `sh -c COMMAND`, through a one-line wrapper
 * that first records its own pid (which is also its process group: the
 * spawner starts children detached) and the attempt it belongs to. If this
 * process is killed, the command is not: the next process reads the record
 * and stops that group before anything touches the tree again. The command
 * travels in an environment variable, never spliced into shell text.
 */
const WRAPPER =
  'printf \'%s %s\\n\' "$$" "$WORKFLOWMASTER_IMPLEMENT_ID" > "$WORKFLOWMASTER_PID_FILE" || exit 125\n' +
  'exec sh -c "$WORKFLOWMASTER_IMPLEMENT_COMMAND"';

/** How long a leftover group may take to die after SIGKILL. */
const LEFTOVER_DEATH_MS = 10_000;
const POLL_MS = 25;

export interface ImplementRunnerOptions {
  spawner: ProcessSpawner;
  fs: FileSystem;
  clock: Clock;
  groups: ProcessGroups;
  /** The working tree: where the command runs. */
  dir: string;
  /** `<repo>/.workflowmaster`. */
  stateDir: string;
  runId: string;
}

export interface ImplementRunInput {
  command: string;
  attempt: number;
  env: Record<string, string>;
  signal: AbortSignal;
  onOutput: (chunk: string, stream: "stdout" | "stderr") => void;
  /** After an abort: SIGTERM, then SIGKILL after this long. */
  killGraceMs: number;
}

export interface ImplementRunner {
  /** The record of the running command's process group. */
  readonly pidFile: string;
  /**
   * Stops what an earlier attempt left running: this process's own aborted
   * child (awaited until it has exited) and a group recorded by a process
   * that died. Resolves with what was stopped, for the phase's output.
   */
  stopLeftovers(): Promise<string | undefined>;
  /** Runs the command to its end (or until `signal` kills it). */
  run(input: ImplementRunInput): Promise<SpawnResult>;
}

export function createImplementRunner(options: ImplementRunnerOptions): ImplementRunner {
  const { spawner, fs, clock, groups, dir, stateDir, runId } = options;
  const pidFile = join(stateDir, "implement", `${runId}.pid`);
  let inFlight: Promise<unknown> | undefined;

  const readRecord = async (): Promise<{ pgid: number; id: string } | undefined> => {
    let text: string;
    try {
      text = new TextDecoder().decode(await fs.readFile(pidFile));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    const match = /^(\d+) (\S+)\s*$/.exec(text);
    // A record torn by a kill mid-write names no process: nothing to stop.
    if (match === null) return undefined;
    return { pgid: Number(match[1]), id: match[2] ?? "" };
  };

  const stopRecorded = async (): Promise<string | undefined> => {
    const record = await readRecord();
    if (record === undefined || record.pgid <= 1) {
      await fs.rm(pidFile, { force: true });
      return undefined;
    }
    const { pgid, id } = record;
    if (!(await groups.isAlive(pgid))) {
      await fs.rm(pidFile, { force: true });
      return undefined;
    }
    // A leader running with another environment is a reused pid, not ours.
    // A gone leader with live members is ours: Linux does not hand out a pid
    // while a process group of that id still exists.
    if ((await groups.leaderEnvironment(pgid, "WORKFLOWMASTER_IMPLEMENT_ID", id)) === "other") {
      await fs.rm(pidFile, { force: true });
      return undefined;
    }
    groups.kill(pgid, "SIGKILL");
    const deadline = clock.now() + LEFTOVER_DEATH_MS;
    while (await groups.isAlive(pgid)) {
      if (clock.now() >= deadline) {
        throw wfmError("WFM-IMPLEMENT-LEFTOVER", {
          message: `The implement command of an earlier attempt (process group ${pgid}, ${id}) is still running after SIGKILL.`,
          context: { runId, pid: pgid },
        });
      }
      await clock.sleep(POLL_MS);
    }
    await fs.rm(pidFile, { force: true });
    return `stopped the implement command an earlier process left running (process group ${pgid}, attempt ${id.split(":").at(-1) ?? id})`;
  };

  return {
    pidFile,
    async stopLeftovers() {
      if (inFlight !== undefined) {
        // Our own aborted attempt: the spawner is already killing it; wait for the end.
        await inFlight;
        inFlight = undefined;
      }
      return stopRecorded();
    },
    async run(input) {
      await fs.mkdir(dirname(pidFile), { recursive: true });
      const running = spawner.run("sh", ["-c", WRAPPER], {
        cwd: dir,
        env: {
          ...input.env,
          WORKFLOWMASTER_PID_FILE: pidFile,
          WORKFLOWMASTER_IMPLEMENT_ID: `${runId}:${input.attempt}`,
          WORKFLOWMASTER_IMPLEMENT_COMMAND: input.command,
        },
        signal: input.signal,
        killGraceMs: input.killGraceMs,
        onOutput: input.onOutput,
      });
      // Settled either way; whoever awaits it next only needs to know it ended.
      inFlight = running.then(
        () => undefined,
        () => undefined,
      );
      const result = await running;
      inFlight = undefined;
      await fs.rm(pidFile, { force: true });
      return result;
    },
  };
}
