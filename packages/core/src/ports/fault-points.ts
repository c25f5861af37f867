/**
 * Named dangerous moments (FoundationDB's BUGGIFY idea). The engine calls
 * `faultPoints.hit(name)` at each; production passes a no-op, the harness
 * passes one that, from its seed, throws, delays, or kills the process.
 * Faults enter only here and through ports, never through `if (chaos)`.
 */
export const FaultPoint = {
  /** A journal record is written but not yet fsync'd. */
  JournalWritten: "state.journal.written",
  /** A journal record is fsync'd: acknowledged. */
  JournalSynced: "state.journal.synced",
  /** A snapshot's temp file is written and fsync'd, not yet renamed. */
  SnapshotTempSynced: "state.snapshot.temp-synced",
  /** A snapshot is renamed into place, the directory not yet fsync'd. */
  SnapshotRenamed: "state.snapshot.renamed",
  /** A snapshot's directory is fsync'd. */
  SnapshotDirectorySynced: "state.snapshot.dir-synced",
  /** The run lock is held, nothing written under it yet. */
  LockAcquired: "state.lock.acquired",
  /** A phase's intent is journaled; its side effect has not started. */
  PhaseIntentRecorded: "engine.phase.intent-recorded",
  /** A phase's side effect happened; its result is not yet journaled. */
  PhaseEffectApplied: "engine.phase.effect-applied",
  /** A phase's result is journaled. */
  PhaseResultRecorded: "engine.phase.result-recorded",
  /** A compensation ran; its record is not yet journaled. */
  PhaseCompensated: "engine.phase.compensated",
  GithubIssueCreated: "github.issue.created",
  GithubPullRequestCreated: "github.pull-request.created",
  GitCommitCreated: "git.commit.created",
  GitPushCompleted: "git.push.completed",
} as const;
export type FaultPoint = (typeof FaultPoint)[keyof typeof FaultPoint];

/** Every fault point, so a suite can enumerate them all. */
export const FAULT_POINTS: readonly FaultPoint[] = Object.values(FaultPoint);

export interface FaultPointContext {
  /** The phase being run, where there is one. */
  phase?: string;
  /** The run, where there is one. */
  runId?: string;
}

export interface FaultPoints {
  hit(point: FaultPoint, context?: FaultPointContext): Promise<void>;
}

/** Production: no point ever fires. */
export const noFaultPoints: FaultPoints = { hit: () => Promise.resolve() };
