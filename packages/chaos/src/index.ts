// The public surface of @workflowmaster/chaos. Chaos never imports core: its
// clock, random streams and fault points match core's ports by shape.

export { type Clock, isoTime } from "./clock/clock.js";
export {
  createVirtualClock,
  DEFAULT_VIRTUAL_START_MS,
  type VirtualClock,
} from "./clock/virtual-clock.js";
export { type Buggify, type BuggifyOptions, createBuggify } from "./fault-points/buggify.js";
export { CHAOS_CRASH, ChaosCrash, isChaosCrash } from "./fault-points/chaos-crash.js";
export type { FaultAction } from "./fault-points/fault-action.js";
export type {
  FaultPointContext,
  FaultPointHits,
  FaultPoints,
} from "./fault-points/fault-points.js";
export type { FaultRule } from "./fault-points/fault-rule.js";
export {
  createSeededFaultPoints,
  type SeededFaultPoints,
  type SeededFaultPointsOptions,
} from "./fault-points/seeded-fault-points.js";
export { conflictingRemoteChange } from "./git/corruptors/conflicting-remote-change.js";
export { corruptIndex } from "./git/corruptors/corrupt-index.js";
export { detachedHead } from "./git/corruptors/detached-head.js";
export { emptyLooseObject } from "./git/corruptors/empty-loose-object.js";
export { garbageHead } from "./git/corruptors/garbage-head.js";
export { mergeInProgress } from "./git/corruptors/merge-in-progress.js";
export { missingRemote } from "./git/corruptors/missing-remote.js";
export { refToMissingObject } from "./git/corruptors/ref-to-missing-object.js";
export { remoteMovedOn } from "./git/corruptors/remote-moved-on.js";
export { STALE_INDEX_LOCK_AGE_MS, staleIndexLock } from "./git/corruptors/stale-index-lock.js";
export { truncatedLooseObject } from "./git/corruptors/truncated-loose-object.js";
export { UnwritableMechanism, unwritableObjects } from "./git/corruptors/unwritable-objects.js";
export type { GitCorruption, GitCorruptor, GitCorruptorOptions } from "./git/git-corruptor.js";
export { GIT_CORRUPTORS } from "./git/git-corruptors.js";
export { type GitDaemon, type GitDaemonOptions, startGitDaemon } from "./git/git-daemon.js";
export {
  captureRepositoryState,
  type FsckReport,
  fsckNoWorse,
  type RepositoryState,
} from "./git/repository-state.js";
export { CHAOS_GIT_IDENTITY, type GitRun, runGit } from "./git/run-git.js";
export {
  createTempRepository,
  GREETING_FILE,
  GREETING_LINES,
  type TempRepository,
  type TempRepositoryOptions,
} from "./git/temp-repository.js";
export { type GithubFault, GithubFaultKind } from "./github/faults/github-fault.js";
export type { GithubFaultRule } from "./github/faults/github-fault-rule.js";
export {
  createGithubSimulator,
  type GithubFaults,
  type GithubSimulator,
  type GithubSimulatorOptions,
} from "./github/github-simulator.js";
export type { Endpoint as GithubEndpoint } from "./github/handlers/endpoint.js";
export type { ServeMode as GithubServeMode } from "./github/handlers/endpoint-resolver.js";
export { GITHUB_ENDPOINTS } from "./github/handlers/github-endpoints.js";
export type { GitStore } from "./github/model/git-store.js";
export type {
  AddRepoOptions,
  CreateIssueInput,
  CreatePullInput,
  GithubModel,
} from "./github/model/github-model.js";
export type {
  CommentRecord,
  CommitRecord,
  GithubModelSnapshot,
  IssueRecord,
  LabelRecord,
  PullRecord,
  RefRecord,
  RepoRecord,
  UserRecord,
} from "./github/model/model-records.js";
export {
  DEFAULT_RATE_LIMITS,
  RateLimitResource,
  type RateLimits,
  type RateLimitView,
} from "./github/model/rate-limit-buckets.js";
export type { RecordedRequest } from "./github/recorded-request.js";
export {
  type HttpGithubSimulator,
  type ListenHttpOptions,
  listenHttp,
} from "./github/serve/listen-http.js";
export { listenInProcess } from "./github/serve/listen-in-process.js";
export { simulatorFetch } from "./github/serve/simulator-fetch.js";
export { systemClock } from "./github/serve/system-clock.js";
export {
  createFaultJournal,
  type FaultEntry,
  type FaultJournal,
  type FaultRecord,
} from "./journal/fault-journal.js";
export { FAULT_LAYERS, FaultLayer } from "./journal/fault-layer.js";
export type { JsonObject, JsonValue } from "./journal/json-value.js";
export { createSeed, type ReplayRecord, type Seed } from "./seed/create-seed.js";
export type { Random } from "./seed/random.js";
export { replayCommand } from "./seed/replay-command.js";
export { createSeededRandom, type SeededRandom } from "./seed/seeded-random.js";
