export { type BranchNameOptions, branchNameFor } from "./branch-name-for.js";
export type { CommitResult } from "./commit-all.js";
export type { BranchResult } from "./create-branch.js";
export type { GitIdentity } from "./git-environment.js";
export {
  type GitProcessInfo,
  type GitProcessProbe,
  nodeGitProcessProbe,
} from "./git-process-probe.js";
export {
  createGitRepository,
  type GitRepository,
  type PreflightOptions,
} from "./git-repository.js";
export { GIT_REPOSITORY_DEFAULTS, type GitRepositoryOptions } from "./git-repository-options.js";
export {
  PreflightCheck,
  type PreflightFinding,
  type PreflightRefusal,
  preflightRefusals,
} from "./preflight-finding.js";
export type { PushOptions, PushResult } from "./push-branch.js";
export { slugifyTitle } from "./slugify-title.js";
