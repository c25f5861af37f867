// The live dashboard: a loopback web page over one repository's runs.
export {
  CHAOS_REPORT_PATH,
  type ChaosMetric,
  type ChaosReportView,
  readChaosReport,
} from "./chaos-report.js";
export {
  buildDashboardModel,
  type DashboardModel,
  type HealthView,
  type PhaseView,
  type Problem,
  type RecoveryView,
  type RunFeed,
  type RunStateInfo,
  type RunView,
  type SeriesPoint,
} from "./dashboard-model.js";
export {
  DASHBOARD_DEFAULTS,
  type DashboardServer,
  type DashboardServerOptions,
  startDashboardServer,
} from "./dashboard-server.js";
export {
  allowedHosts,
  checkHost,
  checkWriteRequest,
  MAX_BODY_BYTES,
  type Refusal,
  TOKEN_HEADER,
} from "./request-guard.js";
export {
  type Appended,
  createRunWatcher,
  type RunWatcher,
  type StateRead,
  type WatchUpdate,
} from "./run-watcher.js";
export { redactDeep, secretRedactor, TOKEN_VARIABLES } from "./secret-redactor.js";
