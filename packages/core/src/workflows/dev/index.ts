export {
  attemptRefPrefix,
  listSavedAttempts,
  type SavedAttempt,
  saveAttempt,
} from "./attempt-refs.js";
export {
  type DevRunInput,
  devRunInputProblem,
  devRunInputSchema,
  MAX_BODY_LENGTH,
  MAX_TITLE_LENGTH,
  parseDevRunInput,
} from "./dev-run-input.js";
export type {
  BranchValue,
  CommitValue,
  ImplementValue,
  IssueValue,
  PreflightValue,
  PullRequestValue,
  PushValue,
} from "./dev-values.js";
export {
  createDevWorkflow,
  DEV_PHASES,
  DEV_WORKFLOW,
  DEV_WORKFLOW_DEFAULTS,
  type DevPhase,
  type DevWorkflowOptions,
  devRunInput,
} from "./dev-workflow.js";
export { GIT_REMOTE_TARGET } from "./phases/push-phase.js";
export { type LeaderEnvironment, nodeProcessGroups, type ProcessGroups } from "./process-groups.js";
