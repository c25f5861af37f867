import {
  type Engine,
  isWorkflowMasterError,
  type RunOutcome,
  type Workflow,
} from "@workflowmaster/core";

export interface ResumeOrStartOptions<I> {
  /** The engine of this (restarted) process. */
  engine: Engine;
  workflow: Workflow<I>;
  runId: string;
  /** Whether the run's directory exists at all. */
  exists: () => Promise<boolean>;
  /** Starts the run afresh with the same id. */
  start: () => Promise<RunOutcome>;
}

/**
 * What an operator does after a restart: resume the run; start it again
 * with the same id when it never got its first record acknowledged (as
 * WFM-RUN-NOT-STARTED's command says); and when a process finished the run
 * before it died (a kill after `run.completed`, during the last snapshot),
 * there is nothing left to do but read its state.
 */
export async function resumeOrStart<I>(options: ResumeOrStartOptions<I>): Promise<RunOutcome> {
  const { engine, workflow, runId } = options;
  if (!(await options.exists())) return options.start();
  try {
    return await engine.resume(workflow, runId);
  } catch (error) {
    if (isWorkflowMasterError(error) && error.code === "WFM-RUN-NOT-STARTED") {
      return options.start();
    }
    if (isWorkflowMasterError(error) && error.code === "WFM-RUN-TERMINAL") {
      const snapshot = await engine.status(runId);
      return { runId, state: snapshot.state, snapshot, partial: false, warnings: [] };
    }
    throw error;
  }
}
