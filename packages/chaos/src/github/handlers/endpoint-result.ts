/** What an endpoint answers, before the simulator adds GitHub's headers. */
export interface EndpointResult {
  readonly status: number;
  /** JSON body; omitted for 204. */
  readonly body?: unknown;
  /** An HTML body instead of JSON (GitHub's 502 page). */
  readonly html?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Set on 201: the new resource's API URL (sent as `location`). */
  readonly location?: string;
}

export const GITHUB_DOCS = {
  rest: "https://docs.github.com/rest",
  rateLimits: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
  secondaryRateLimits:
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
} as const;

/** One entry of a 422's `errors` array. */
export interface ValidationErrorEntry {
  readonly resource: string;
  readonly code:
    | "missing"
    | "missing_field"
    | "invalid"
    | "already_exists"
    | "unprocessable"
    | "custom";
  readonly field?: string;
  readonly message?: string;
}

/** `{message, documentation_url, status}`: every GitHub error body. */
export function errorResult(
  status: number,
  message: string,
  documentationUrl: string,
  headers?: Readonly<Record<string, string>>,
): EndpointResult {
  return {
    status,
    body: { message, documentation_url: documentationUrl, status: String(status) },
    ...(headers === undefined ? {} : { headers }),
  };
}

/** 422 "Validation Failed" with its `errors` array. */
export function validationFailed(
  documentationUrl: string,
  errors: readonly ValidationErrorEntry[],
): EndpointResult {
  return {
    status: 422,
    body: {
      message: "Validation Failed",
      errors,
      documentation_url: documentationUrl,
      status: "422",
    },
  };
}

export const notFound = (documentationUrl: string) =>
  errorResult(404, "Not Found", documentationUrl);
