import type { Clock } from "../../clock/clock.js";
import type { RateLimitRecord } from "./model-records.js";

/** The rate-limit resources the simulator keeps buckets for. */
export const RateLimitResource = {
  Core: "core",
  Search: "search",
} as const;
export type RateLimitResource = (typeof RateLimitResource)[keyof typeof RateLimitResource];

/** Requests per window for each resource (GitHub: core 5000/h, search 30/min; anonymous 60/h, 10/min). */
export interface RateLimits {
  readonly core: number;
  readonly search: number;
  readonly anonymousCore: number;
  readonly anonymousSearch: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  core: 5000,
  search: 30,
  anonymousCore: 60,
  anonymousSearch: 10,
};

const WINDOW_SECONDS: Record<RateLimitResource, number> = { core: 3600, search: 60 };

/** What the `x-ratelimit-*` headers say. */
export interface RateLimitView {
  readonly limit: number;
  readonly remaining: number;
  readonly used: number;
  /** Epoch seconds. */
  readonly reset: number;
  readonly resource: RateLimitResource;
}

export type RateLimitTake =
  | { readonly ok: true; readonly view: RateLimitView }
  | { readonly ok: false; readonly view: RateLimitView; readonly status: 403 | 429 };

export interface RateLimitBuckets {
  /** The bucket as it stands, without counting a request. */
  peek(who: string, resource: RateLimitResource): RateLimitView;
  /** Counts one request, or refuses it when the bucket is empty. */
  take(who: string, resource: RateLimitResource): RateLimitTake;
  /** Empties the bucket until `resetAt` (epoch ms; default: the window's own reset). */
  exhaust(
    who: string,
    resource: RateLimitResource,
    options: { status: 403 | 429; resetAt?: number },
  ): RateLimitView;
}

/** The fixed-window buckets GitHub keeps per token and resource, on the injected clock. */
export function createRateLimitBuckets(
  records: Record<string, RateLimitRecord>,
  clock: Pick<Clock, "now">,
  limits: RateLimits,
): RateLimitBuckets {
  const bucket = (who: string, resource: RateLimitResource): RateLimitRecord => {
    const key = `${who}\u0000${resource}`;
    const nowSeconds = Math.floor(clock.now() / 1000);
    const anonymous = who === "anonymous";
    const limit =
      resource === "core"
        ? anonymous
          ? limits.anonymousCore
          : limits.core
        : anonymous
          ? limits.anonymousSearch
          : limits.search;
    let record = records[key];
    if (record === undefined) {
      record = { limit, used: 0, reset: 0, exhaustedStatus: 403 };
      records[key] = record;
    }
    // A window starts with the first request after the previous one reset.
    if (record.reset === 0 || nowSeconds >= record.reset) {
      record.used = 0;
      record.reset = nowSeconds + WINDOW_SECONDS[resource];
      record.exhaustedStatus = 403;
    }
    return record;
  };
  const view = (record: RateLimitRecord, resource: RateLimitResource): RateLimitView => ({
    limit: record.limit,
    remaining: Math.max(0, record.limit - record.used),
    used: record.used,
    reset: record.reset,
    resource,
  });
  return {
    peek: (who, resource) => view(bucket(who, resource), resource),
    take(who, resource) {
      const record = bucket(who, resource);
      if (record.used >= record.limit) {
        return { ok: false, view: view(record, resource), status: record.exhaustedStatus };
      }
      record.used += 1;
      return { ok: true, view: view(record, resource) };
    },
    exhaust(who, resource, { status, resetAt }) {
      const record = bucket(who, resource);
      record.used = record.limit;
      record.exhaustedStatus = status;
      if (resetAt !== undefined) record.reset = Math.ceil(resetAt / 1000);
      return view(record, resource);
    },
  };
}
