import { createEngine, type Engine, type Workflow } from "../engine/index.js";
import { createGitRepository, type GitRepository } from "../git/index.js";
import { createGithubClient, type GithubClient } from "../github/index.js";
import {
  type AlertSink,
  consoleSink,
  createAlertMonitor,
  createEventBus,
  createEventLogSink,
  deferredSink,
  eventLogSink,
  issueCommentSink,
  type WorkflowEvent,
  webhookSink,
} from "../monitor/index.js";
import type { FaultPoints } from "../ports/index.js";
import { createResourceGuard, nodeResourceProbe } from "../resources/index.js";
import { createRetryBudget } from "../retry/index.js";
import { snapshotPruner, stateRoot } from "../state/index.js";
import { createDevWorkflow, type DevRunInput } from "../workflows/index.js";
import type { AlertSettings } from "./alert-settings.js";
import type { CliIo } from "./cli-io.js";
import { parseRepoSlug } from "./github-remote.js";
import type { ProgressReporter } from "./progress-reporter.js";
import { phaseValue } from "./status-view.js";

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
  /** Webhook, issue comment and thresholds (default: console and event log only). */
  alerts?: AlertSettings;
}

/**
 * How long past its attempt timeout `implement` may stay without an event
 * before it counts as stalled: the watchdog fires at the timeout, then the
 * command's group gets its kill grace (5 s) and the retry is journaled.
 */
export const IMPLEMENT_STALL_GRACE_MS = 60_000;

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
 *
 * Alerts also go to the webhook when one is set, and — once the run's
 * issue exists (its phase completed, or a resumed run already has it) — to
 * one idempotent comment per alert on that issue; alerts raised before are
 * held and commented then. A phase with no event past its stall threshold
 * raises ALERT-PHASE-STALLED from a timer on the clock; `implement`'s
 * threshold is its attempt timeout plus `IMPLEMENT_STALL_GRACE_MS`.
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
  const settings: AlertSettings = options.alerts ?? { comment: false, thresholds: {} };
  const sinks: AlertSink[] = [consoleSink((line) => io.stderr.write(line)), eventLogSink(extraLog)];
  if (settings.webhookUrl !== undefined) {
    sinks.push(webhookSink({ url: settings.webhookUrl, fetch: ports.fetch, clock }));
  }
  const comments = deferredSink("issue comment (once the run's issue exists)");
  if (settings.comment) sinks.push(comments);
  const monitor = createAlertMonitor({
    bus,
    sinks,
    clock,
    thresholds: {
      ...settings.thresholds,
      phaseStalledMsByPhase: {
        implement: input.implement.timeoutMs + IMPLEMENT_STALL_GRACE_MS,
        ...settings.thresholds.phaseStalledMsByPhase,
      },
    },
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

  // The issue is known once its phase has a result: then alerts can be commented.
  const lookups: Promise<void>[] = [];
  const findIssue = async () => {
    const issue = phaseValue(await engine.status(runId), "issue")?.number;
    if (typeof issue !== "number") return;
    comments.open(
      issueCommentSink({
        client: github,
        repo: { owner: repo.owner, repo: repo.name },
        issueNumber: issue,
        runId,
      }),
    );
  };
  const stopWatchingIssue = settings.comment
    ? bus.subscribe((event) => {
        const issueKnown =
          event.type === "run.resumed" ||
          (event.type === "phase.completed" && event.phase === "issue");
        if (event.runId !== runId || !issueKnown) return;
        lookups.push(
          findIssue().catch((error: unknown) => {
            progress.note(
              `could not find the run's issue to comment alerts on: ${String(error)}; alerts still go to the console and the event log`,
            );
          }),
        );
      })
    : () => undefined;

  return {
    engine,
    workflow,
    git,
    github,
    async close() {
      stopWatchingIssue();
      try {
        await Promise.all(lookups);
        // No issue by now: there never will be in this process.
        comments.cancel();
        // Timers first, so nothing new is raised while deliveries finish.
        monitor.dispose();
        await monitor.settled();
        if (comments.undelivered.length > 0) {
          progress.note(
            `${comments.undelivered.length} alert(s) were not commented: the run has no issue yet (they are in the event log)`,
          );
        }
      } finally {
        await extraLog.close();
      }
    },
  };
}
