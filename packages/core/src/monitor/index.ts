export {
  type AcknowledgeAlertOptions,
  type AcknowledgeOutcome,
  type AcknowledgeRefusal,
  type ActiveAlerts,
  type ActiveAlertsOptions,
  ALERT_CODES,
  acknowledgeAlert,
  activeAlertsOf,
  isAlertCode,
  listActiveAlerts,
  listRunDirectories,
  type RunAlertView,
  runAlertView,
  type UnreadableEvents,
} from "./active-alerts.js";
export {
  type AlertMonitor,
  type AlertMonitorOptions,
  createAlertMonitor,
  type SinkFailure,
} from "./alert-monitor.js";
export {
  type Alert,
  AlertCode,
  AlertLevel,
  type AlertThresholds,
  type AlertThresholdsInput,
  AlertThresholdsSchema,
  evaluateAlerts,
  formatDuration,
  type MaybeTimedEvent,
  type PhaseStall,
  parseAlertThresholds,
  phaseStall,
} from "./alerts.js";
export {
  createEventBus,
  type EventBus,
  type EventListener,
  type ListenerFailure,
  type ListenerFailureHandler,
} from "./event-bus.js";
export {
  createEventLogSink,
  EVENTS_FILE,
  type EventLog,
  type EventLogContents,
  type EventLogOptions,
  readEvents,
} from "./event-log.js";
export type {
  ErrorSummary,
  EventSink,
  RecordedEvent,
  WorkflowEvent,
  WorkflowEventType,
} from "./events.js";
export { computeHealth, type Health, nearestRank, type PhaseDurationStats } from "./health.js";
export { type AlertSink, formatAlert } from "./sinks/alert-sink.js";
export { consoleSink } from "./sinks/console-sink.js";
export { type DeferredSink, deferredSink } from "./sinks/deferred-sink.js";
export { eventLogSink } from "./sinks/event-log-sink.js";
export {
  type IssueCommentSinkOptions,
  issueCommentSink,
} from "./sinks/issue-comment-sink.js";
export { type WebhookSinkOptions, webhookSink } from "./sinks/webhook-sink.js";
