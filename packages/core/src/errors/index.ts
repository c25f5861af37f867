export {
  CATALOGUE,
  type CatalogueEntry,
  ERROR_CODES,
  type ErrorCode,
  type ErrorContext,
  type MakeErrorOptions,
  render,
  wfmError,
} from "./catalogue.js";
export {
  CLASSIFY_CODES,
  type ClassifyCode,
  type ClassifyOptions,
  classify,
} from "./classify.js";
export { ErrorKind } from "./error-kind.js";
export { redactSecrets } from "./redact-secrets.js";
export { err, ok, type Result } from "./result.js";
export {
  isWorkflowMasterError,
  WorkflowMasterError,
  type WorkflowMasterErrorOptions,
} from "./workflow-master-error.js";
