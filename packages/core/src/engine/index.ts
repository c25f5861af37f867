export {
  createEngine,
  type Engine,
  type EngineOptions,
  type ResumeOptions,
  type RollbackOptions,
  type RollbackOutcome,
  type RunOutcome,
  type StartOptions,
} from "./engine.js";
export { ExitCode, exitCodeFor } from "./exit-code.js";
export {
  defineWorkflow,
  hasSideEffect,
  type Phase,
  type PhaseContext,
  type PhaseKeyContext,
  type ReconcileResult,
  type Workflow,
} from "./phase.js";
export { planRollback, type RollbackStep } from "./rollback.js";
export {
  canTransition,
  canTransitionPhase,
  type ErrorRecord,
  fold,
  isTerminal,
  PHASE_TRANSITIONS,
  PhaseEffect,
  type PhaseSnapshot,
  PhaseStatus,
  parseRunSnapshot,
  RECORD_SCHEMAS,
  type RecordData,
  RecordType,
  RUN_TRANSITIONS,
  type RunSnapshot,
  RunState,
  reduce,
  TERMINAL_STATES,
  transitionRun,
} from "./run-state.js";
export { runWithWatchdog, type WatchdogOptions, type Watched } from "./watchdog.js";
