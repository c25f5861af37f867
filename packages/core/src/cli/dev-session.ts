import { createEngine, type Engine, type Workflow } from "../engine/index.js";
import { createGitRepository, type GitRepository } from "../git/index.js";
import { createGithubClient, type GithubClient } from "../github/index.js";
import {
  consoleSink,
  createAlertMonitor,
  createEventBus,
  createEventLogSink,
  eventLogSink,
  type WorkflowEvent,
} from "../monitor/index.js";
import type { FaultPoints } from "../ports/index.js";
import { createResourceGuard, nodeResourceProbe } from "../resources/index.js";
import { createRetryBudget } from "../retry/index.js";
import { snapshotPruner, stateRoot } from "../state/index.js";
import { createDevWorkflow, type DevRunInput } from "../workflows/index.js";
import type { CliIo } from "./cli-io.js";
import { parseRepoSlug } from "./github-remote.js";
import type { ProgressReporter } from "./progress-reporter.js";

/** Environment variable that counts how deeply WorkflowMaster has started itself. */
export const DEPTH_ENV = "WORKFLOWMASTER_DEPTH";

export interface DevSessionOptions {
  io: CliIo;
  repoDir: string;
  runId: string;
  input: DevRunInput;
  token: string;
  /** `GITHUB_API_URL`, already checked. */
  baseUrl: string;
  faultPoints: FaultPoints;
  progress: ProgressReporter;
  /** This process's depth; the implement command gets one more. */
  depth: number;
}

/** Everything `run`, `resume` and `rollback` drive a development run with. */
export interface DevSession {
  readonly engine: Engine;
  readonly workflow: Workflow<DevRunInput>;
  readonly git: GitRepository;
  readonly github: GithubClient;
  /** Waits for alert deliveries and closes the extra event log. */
  close(): Promise<void>;
}

/**
 * Wires a development run: git and GitHub adapters on the real ports (with
 * the test fault points when a test asked for them), one retry budget
 * shared by the engine and both adapters, the resource guard (disk, memory,
 * descriptors; old snapshots pruned when the disk is low), and the event
 * bus with alerts to the console and the run's event log. Events the engine
 * does not emit itself (rate-limit waits inside GitHub calls, resource
 * checks, alerts) are written to the same `events.ndjson`.
 */
export function openDevSession(options: DevSessionOptions): DevSession {
  const { io, repoDir, runId, input, progress } = options;
  const ports = { ...io.ports, faultPoints: options.faultPoints };
  const { clock, fs, random, spawner } = ports;
  const root = stateRoot(repoDir);
  const repo = parseRepoSlug(input.repo);
  if (repo === undefined)
    throw new TypeError(`The run's repository ${input.repo} is not OWNER/NAME.`);

  const budget = createRetryBudget({}, clock);
  const bus = createEventBus();
  bus.subscribe((event) => progress.emit(event));
  const extraLog = createEventLogSink({ fs, clock, root });
  const monitor = createAlertMonitor({
    bus,
    sinks: [consoleSink((line) => io.stderr.write(line)), eventLogSink(extraLog)],
  });
  // Written to the run's log and shown; a failure to write is reported, not fatal.
  const emitExtra = async (event: WorkflowEvent) => {
    await bus.emit(event);
    await extraLog.emit(event).catch((error: unknown) => {
      progress.note(`could not write an event to the run's log: ${String(error)}`);
    });
  };

  const github = createGithubClient({
    token: options.token,
    baseUrl: options.baseUrl,
    fetch: ports.fetch,
    clock,
    random,
    budget,
    emit: emitExtra,
    runId,
    faultPoints: options.faultPoints,
    log: (level, message) => {
      if (level === "warn" || level === "error") progress.note(`GitHub: ${message}`);
    },
  });
  const git = createGitRepository({
    dir: repoDir,
    clock,
    spawner,
    fs,
    random,
    faultPoints: options.faultPoints,
    runId,
    retryBudget: budget,
  });
  const workflow = createDevWorkflow({
    git,
    github,
    ports,
    repo,
    base: input.base,
    implement: {
      command: input.implement.command,
      inactivityMs: input.implement.inactivityMs,
      timeoutMs: input.implement.timeoutMs,
      env: {
        [DEPTH_ENV]: String(options.depth + 1),
        // The command must not inherit the test-only kill switch.
        WORKFLOWMASTER_FAULT_POINT: "",
        WORKFLOWMASTER_FAULT_TRACE: "",
      },
      onOutput: (chunk) => progress.output(chunk),
    },
  });
  const guard = createResourceGuard({
    fs,
    probe: nodeResourceProbe,
    pruneSnapshots: snapshotPruner(fs, 1),
    emit: emitExtra,
  });
  const engine = createEngine({
    ports,
    root,
    sinks: [bus],
    budget,
    resourceCheck: (phase, runDir) => guard.check(phase, runDir),
  });
  return {
    engine,
    workflow,
    git,
    github,
    async close() {
      await monitor.settled();
      monitor.dispose();
      await extraLog.close();
    },
  };
}
