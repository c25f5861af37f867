import type { WorkflowMasterError } from "../errors/index.js";
import type { RunState } from "./run-state.js";

/** The process exit codes of the command-line contract. */
export const ExitCode = {
  Completed: 0,
  Failed: 1,
  Usage: 2,
  Paused: 3,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * completed 0 · failed 1 · paused 3 · interrupted (still resumable) 130 ·
 * rolled-back 0, or 1 when the rollback left something behind (a person
 * must act on WFM-ROLLBACK-INCOMPLETE). A run that stopped `running` or
 * `rolling-back` for any other reason (its store failed) needs a person
 * and is resumable: 3. A rollback dry run: 0.
 */
export function exitCodeFor(outcome: {
  state: RunState;
  error?: WorkflowMasterError | undefined;
  /** A rollback dry run only lists; it succeeded whatever the run's state. */
  dryRun?: boolean;
}): ExitCode {
  if (outcome.dryRun === true) return ExitCode.Completed;
  switch (outcome.state) {
    case "completed":
      return ExitCode.Completed;
    case "failed":
      return ExitCode.Failed;
    case "paused":
      return ExitCode.Paused;
    case "rolled-back":
      return outcome.error === undefined ? ExitCode.Completed : ExitCode.Failed;
    case "running":
    case "rolling-back":
      return outcome.error?.code === "WFM-INTERRUPTED" ? ExitCode.Interrupted : ExitCode.Paused;
  }
}
