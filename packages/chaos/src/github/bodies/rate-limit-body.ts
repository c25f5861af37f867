import type { RateLimitView } from "../model/rate-limit-buckets.js";

const entry = (view: RateLimitView) => ({
  limit: view.limit,
  used: view.used,
  remaining: view.remaining,
  reset: view.reset,
});

/** GitHub's `rate-limit-overview`; `rate` repeats `core`, as GitHub still does. */
export function rateLimitBody(core: RateLimitView, search: RateLimitView) {
  return {
    resources: { core: entry(core), search: entry(search) },
    rate: entry(core),
  };
}
