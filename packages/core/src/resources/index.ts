export { formatBytes } from "./format-bytes.js";
export { nodeResourceProbe, parseOpenFilesLimit } from "./node-resource-probe.js";
export {
  createResourceGuard,
  type ResourceEvent,
  type ResourceGuard,
  type ResourceGuardOptions,
  type ResourceReport,
  type ResourceThresholds,
  type ResourceThresholdsInput,
  ResourceThresholdsSchema,
} from "./resource-guard.js";
export type { ResourceProbe } from "./resource-probe.js";
