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
export {
  type CrashState,
  type CrashStateFailure,
  type CrashStatesOptions,
  type CrashStatesReport,
  enumerateCrashStates,
} from "./fs/crash-states.js";
export { CrashMode } from "./fs/durability/crash-mode.js";
export { TornKind, TornPrefixes, type TornWrite } from "./fs/durability/torn-write.js";
export {
  type CrashResult,
  createFaultFileSystem,
  type FaultFileSystem,
  type PendingSummary,
} from "./fs/fault-fs.js";
export type { FaultFileSystemOptions } from "./fs/fault-fs-options.js";
export { FsErrno, type FsFault } from "./fs/rules/fs-fault.js";
export type { FsFaultRule } from "./fs/rules/fs-fault-rule.js";
export { FsOperation } from "./fs/rules/fs-operation.js";
export {
  mountTmpfs,
  type TmpfsMount,
  type TmpfsOptions,
  type TmpfsUnavailable,
} from "./fs/tmpfs.js";
export type { Trace, TraceMark, TraceOp } from "./fs/trace/trace-op.js";
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
export {
  containerRuntimeAvailable,
  NO_CONTAINER_RUNTIME_MESSAGE,
} from "./net/backend/container-runtime.js";
export {
  createNetworkFaults,
  DEFAULT_TOXIPROXY_IMAGE,
  type NamedFault,
  NetworkBackend,
  type NetworkFaults,
  type NetworkFaultsOptions,
} from "./net/backend/network-faults.js";
export {
  createToxiproxyClient,
  isToxiproxyApiError,
  ToxiproxyApiError,
  type ToxiproxyClient,
} from "./net/backend/toxiproxy-client.js";
export type {
  ProxyConfig,
  ProxyInfo,
  ToxicConfig,
  ToxicInfo,
} from "./net/backend/toxiproxy-types.js";
export { loadToxiproxyConfig } from "./net/config/load-toxiproxy-config.js";
export { TOXIPROXY_VERSION } from "./net/server/api-routes.js";
export {
  startToxiproxyServer,
  type ToxiproxyServer,
  type ToxiproxyServerOptions,
} from "./net/server/toxiproxy-server.js";
export { TOXIC_TYPES, type ToxicType } from "./net/toxics/toxic-registry.js";
export { ChaosEnv } from "./process/chaos-env.js";
export {
  type CpuHogStats,
  type CpuHogs,
  type CpuHogsOptions,
  startCpuHogs,
} from "./process/cpu-hogs.js";
export { type EnvFaultPoints, faultPointsFromEnv } from "./process/fault-points-from-env.js";
export { KILL_SIGNALS, KillSignal } from "./process/kill-signal.js";
export {
  checkLimitSupport,
  type LimitSupport,
  type LimitSupportOptions,
  type LimitSupportReport,
} from "./process/limit-support.js";
export {
  type ListeningChild,
  type StartListeningChildOptions,
  startListeningChild,
} from "./process/listening-child.js";
export type { MemoryCgroupUsage } from "./process/memory-cgroup.js";
export type { PointKill } from "./process/point-kill.js";
export {
  type PointKillPlan,
  type PointKillRequest,
  pointKillEnv,
} from "./process/point-kill-env.js";
export { LimitName, type LimitOutcome, type ResourceLimits } from "./process/resource-limits.js";
export {
  type ChildExit,
  type ChildHandle,
  type KillAtPoint,
  type KillAtTime,
  type KillObservation,
  type RunChildOptions,
  runChild,
} from "./process/run-child.js";
export { createSeed, type ReplayRecord, type Seed } from "./seed/create-seed.js";
export type { Random } from "./seed/random.js";
export { replayCommand } from "./seed/replay-command.js";
export { createSeededRandom, type SeededRandom } from "./seed/seeded-random.js";
