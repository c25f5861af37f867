export { type BackoffOptions, fullJitterDelay } from "./backoff.js";
export {
  createRetryBudget,
  parseRetryBudgetOptions,
  RETRY_BUDGET_DEFAULTS,
  type RetryBudget,
  type RetryBudgetOptions,
} from "./retry-budget.js";
export {
  parseRetryPolicy,
  RETRY_DEFAULTS,
  type RetryInfo,
  type RetryOptions,
  type RetryPolicy,
  retry,
} from "./retry-policy.js";
