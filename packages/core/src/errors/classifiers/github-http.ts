import type { Classification, Classifier, ClassifierInput } from "./classification.js";
import { networkCodeFor } from "./errno.js";
import {
  causeChain,
  isRecord,
  oneLine,
  readNumber,
  readString,
  type UnknownRecord,
} from "./inspect.js";

/** GitHub's advice when it gives no hint: wait at least a minute (github-api.md §6.3). */
const DEFAULT_SECONDARY_WAIT_MS = 60_000;

interface HttpErrorView {
  readonly status: number;
  readonly message: string;
  /** `POST /repos/o/r/issues`, query string dropped. */
  readonly request: string;
  readonly repo: string | undefined;
  readonly response: UnknownRecord | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** GitHub's own `message`, or the best one-line stand-in. */
  readonly bodyMessage: string;
  readonly validationErrors: readonly UnknownRecord[];
  readonly error: UnknownRecord;
}

/**
 * Octokit's `RequestError`, duck-typed (`name === "HttpError"` and a numeric
 * `status`) so a second copy of @octokit/request-error is recognised too.
 */
export const classifyHttpError: Classifier = (value, input) => {
  if (!isRecord(value) || value.name !== "HttpError" || readNumber(value, "status") === undefined) {
    return undefined;
  }
  const view = viewOf(value);
  // Octokit turns a reset, refusal or DNS failure into status 500 with no response.
  if (view.response === undefined) return transportFailure(view);
  const { status } = view;
  if (status === 401) return unauthorized(view);
  if (status === 403 || status === 429) return forbiddenOrLimited(view, input);
  if (status === 404) return simple(view, "WFM-GITHUB-NOT-FOUND", view.request);
  if (status === 409) {
    return /empty/i.test(view.bodyMessage)
      ? simple(view, "WFM-GITHUB-REPO-EMPTY", view.bodyMessage)
      : simple(view, "WFM-GITHUB-CONFLICT", view.bodyMessage);
  }
  if (status === 410) return simple(view, "WFM-GITHUB-GONE", view.bodyMessage);
  if (status === 422) return unprocessable(view);
  if (status === 400) return simple(view, "WFM-GITHUB-BAD-REQUEST", view.bodyMessage);
  if (status >= 500 && status <= 599) {
    const retryAfterMs = retryAfter(view.headers, clockOf(view, input));
    return {
      ...simple(view, "WFM-GITHUB-SERVER-ERROR", view.bodyMessage),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  return simple(view, "WFM-GITHUB-REQUEST-FAILED", view.bodyMessage);
};

function viewOf(error: UnknownRecord): HttpErrorView {
  const response = isRecord(error.response) ? error.response : undefined;
  const headers: Record<string, string> = {};
  if (isRecord(response?.headers)) {
    for (const [name, headerValue] of Object.entries(response.headers)) {
      if (typeof headerValue === "string" || typeof headerValue === "number") {
        headers[name.toLowerCase()] = String(headerValue);
      }
    }
  }
  const request = isRecord(error.request) ? error.request : undefined;
  const url = readString(request, "url") ?? readString(response, "url") ?? "";
  const pathname = pathOf(url);
  const data = response?.data;
  const validationErrors =
    isRecord(data) && Array.isArray(data.errors) ? data.errors.filter(isRecord) : [];
  return {
    status: readNumber(error, "status") ?? 0,
    message: readString(error, "message") ?? "",
    request: `${readString(request, "method") ?? "request"} ${pathname}`.trim(),
    repo: /\/repos\/([^/?#]+\/[^/?#]+)/.exec(pathname)?.[1],
    response,
    headers,
    bodyMessage: withValidationErrors(
      bodyMessageOf(data, readString(error, "message") ?? ""),
      validationErrors,
    ),
    validationErrors,
    error,
  };
}

function pathOf(url: string): string {
  const base = "https://api.github.com";
  // Not a URL at all: keep what is before any query string.
  if (!URL.canParse(url, base)) return url.split("?")[0] ?? "";
  return new URL(url, base).pathname;
}

function bodyMessageOf(data: unknown, errorMessage: string): string {
  const fromBody = readString(data, "message");
  if (fromBody !== undefined && fromBody !== "") return oneLine(fromBody);
  // A 502 page is HTML: say so instead of echoing markup.
  if (typeof data === "string" && /<html|<!doctype/i.test(data)) return "an HTML error page";
  if (typeof data === "string" && data.trim() !== "") return oneLine(data);
  // Octokit's message is `<message>: <errors> - <documentation_url>`.
  const withoutDocs = errorMessage.replace(/ - https:\/\/docs\.github\.com\S*$/, "");
  return withoutDocs.trim() === "" ? "no message" : oneLine(withoutDocs);
}

/** `Validation Failed: A pull request already exists for o:b.`, `…: Label name already_exists`. */
function withValidationErrors(message: string, errors: readonly UnknownRecord[]): string {
  const described = errors.map(
    (entry) =>
      readString(entry, "message") ??
      [readString(entry, "resource"), readString(entry, "field"), readString(entry, "code")]
        .filter((part) => part !== undefined)
        .join(" "),
  );
  const parts = described.filter((part) => part !== "");
  return parts.length === 0 ? message : oneLine(`${message}: ${parts.join("; ")}`);
}

function answered(view: HttpErrorView, extra = ""): string {
  return `GitHub answered ${view.status} to ${view.request}: ${view.bodyMessage}${extra}`;
}

function simple(view: HttpErrorView, code: Classification["code"], detail: string): Classification {
  return {
    code,
    message: answered(view),
    context: { repo: view.repo, status: view.status, detail },
  };
}

function transportFailure(view: HttpErrorView): Classification {
  let code: Classification["code"] = "WFM-NET-FAILED";
  for (const link of causeChain(view.error.cause)) {
    const mapped = networkCodeFor(readString(link, "code"));
    if (mapped !== undefined) {
      code = mapped;
      break;
    }
  }
  const observed = oneLine(view.message === "" ? "no response" : view.message);
  return {
    code,
    message: `GitHub could not be reached for ${view.request}: ${observed}`,
    context: { repo: view.repo, detail: `${view.request}: ${observed}` },
  };
}

function unauthorized(view: HttpErrorView): Classification {
  return /requires authentication/i.test(view.bodyMessage)
    ? simple(view, "WFM-GITHUB-AUTH-REQUIRED", view.bodyMessage)
    : simple(view, "WFM-GITHUB-BAD-CREDENTIALS", view.bodyMessage);
}

/** github-api.md §6.3, in its order: primary, secondary, 429 as secondary, 403 as permission. */
function forbiddenOrLimited(view: HttpErrorView, input: ClassifierInput): Classification {
  const { headers } = view;
  const now = clockOf(view, input);
  if (headers["x-ratelimit-remaining"] === "0") return primaryLimit(view, now);
  const text = `${view.bodyMessage}\n${view.message}`;
  // "abuse detection" is the older wording of the same secondary limit.
  if (/secondary rate|abuse detection/i.test(text) || headers["retry-after"] !== undefined) {
    return secondaryLimit(view, now, /content creation/i.test(text));
  }
  if (view.status === 429) return secondaryLimit(view, now, false);
  return permissionDenied(view);
}

function primaryLimit(view: HttpErrorView, now: number | undefined): Classification {
  const { headers } = view;
  const reset = Number(headers["x-ratelimit-reset"]);
  const hasReset = headers["x-ratelimit-reset"] !== undefined && Number.isFinite(reset);
  const resetAt = hasReset
    ? new Date(reset * 1000).toISOString()
    : "an unknown time (GitHub sent no x-ratelimit-reset)";
  // Like Octokit's throttling plugin: until the reset, plus one second of slack.
  const retryAfterMs =
    hasReset && now !== undefined
      ? Math.max(reset * 1000 - now, 0) + 1000
      : (retryAfter(headers, now) ?? DEFAULT_SECONDARY_WAIT_MS);
  const limit = headers["x-ratelimit-limit"];
  const resource = headers["x-ratelimit-resource"];
  const bucket = `0${limit === undefined ? "" : ` of ${limit}`} left${resource === undefined ? "" : ` for ${resource}`}`;
  return {
    code: "WFM-GITHUB-RATE-LIMITED",
    message: answered(view, ` (primary rate limit: ${bucket}, resets at ${resetAt})`),
    context: { repo: view.repo, status: view.status, resetAt, detail: view.bodyMessage },
    retryAfterMs,
  };
}

function secondaryLimit(
  view: HttpErrorView,
  now: number | undefined,
  contentCreation: boolean,
): Classification {
  const hinted = retryAfter(view.headers, now);
  const retryAfterMs = hinted ?? DEFAULT_SECONDARY_WAIT_MS;
  const wait =
    hinted === undefined ? "no retry-after; waiting 60 s" : `retry-after ${retryAfterMs / 1000} s`;
  return {
    code: contentCreation ? "WFM-GITHUB-CREATION-BLOCKED" : "WFM-GITHUB-SECONDARY-RATE-LIMITED",
    message: answered(view, ` (secondary rate limit; ${wait})`),
    context: { repo: view.repo, status: view.status, detail: view.bodyMessage },
    retryAfterMs,
  };
}

function permissionDenied(view: HttpErrorView): Classification {
  const { headers } = view;
  const accepted = headers["x-accepted-github-permissions"];
  const scopes = headers["x-accepted-oauth-scopes"];
  const permission =
    accepted !== undefined && accepted !== ""
      ? accepted
      : scopes !== undefined && scopes !== ""
        ? `the ${scopes} scope`
        : "a permission GitHub did not name (check the token's access to this repository)";
  const extra =
    accepted !== undefined && accepted !== ""
      ? ` (needs ${accepted})`
      : scopes !== undefined && scopes !== ""
        ? ` (needs scope ${scopes})`
        : "";
  return {
    code: "WFM-GITHUB-PERMISSION-DENIED",
    message: answered(view, extra),
    context: { repo: view.repo, status: view.status, permission, detail: view.bodyMessage },
  };
}

/** Each 422 shape from github-api.md §6.4, most specific first. */
function unprocessable(view: HttpErrorView): Classification {
  // Each error's own message first: it is the shortest true statement.
  const texts = [
    ...view.validationErrors.map((entry) => readString(entry, "message") ?? ""),
    view.bodyMessage,
  ];
  const anyText = (pattern: RegExp) => texts.some((text) => pattern.test(text));
  const prExists = texts.map((text) => /A pull request already exists for (\S+?)\.?$/i.exec(text));
  const existing = prExists.find((match) => match !== null);
  if (existing) return simple(view, "WFM-GITHUB-PR-EXISTS", existing[1] ?? view.bodyMessage);
  const noCommits = texts.find((text) => /No commits between/i.test(text));
  if (noCommits !== undefined) return simple(view, "WFM-GITHUB-NO-COMMITS", noCommits);
  const headInvalid = view.validationErrors.some(
    (entry) => entry.field === "head" && entry.code === "invalid",
  );
  if (headInvalid) return simple(view, "WFM-GITHUB-HEAD-INVALID", "head invalid");
  if (anyText(/Reference already exists/i)) {
    return simple(view, "WFM-GITHUB-REF-EXISTS", "Reference already exists");
  }
  if (anyText(/Object does not exist/i)) {
    return simple(view, "WFM-GITHUB-OBJECT-MISSING", "Object does not exist");
  }
  if (anyText(/Reference update failed/i)) {
    return simple(view, "WFM-GITHUB-REF-UPDATE-FAILED", "Reference update failed");
  }
  if (anyText(/not a fast.forward/i)) {
    return simple(view, "WFM-GITHUB-NOT-FAST-FORWARD", "Update is not a fast forward");
  }
  const duplicate = view.validationErrors.find((entry) => entry.code === "already_exists");
  if (duplicate !== undefined) {
    const resource = readString(duplicate, "resource") ?? "object";
    const field = readString(duplicate, "field");
    return simple(
      view,
      "WFM-GITHUB-ALREADY-EXISTS",
      `${resource.toLowerCase()}${field === undefined ? "" : ` (same ${field})`}`,
    );
  }
  return simple(view, "WFM-GITHUB-VALIDATION-FAILED", view.bodyMessage);
}

/** The caller's clock, else GitHub's own `date` header; never the ambient clock. */
function clockOf(view: HttpErrorView, input: ClassifierInput): number | undefined {
  if (input.now !== undefined) return input.now;
  const date = view.headers.date;
  const parsed = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** `retry-after` in seconds (GitHub's form) or as an HTTP date. */
function retryAfter(
  headers: Readonly<Record<string, string>>,
  now: number | undefined,
): number | undefined {
  const value = headers["retry-after"]?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (!Number.isFinite(at) || now === undefined) return undefined;
  return Math.max(at - now, 0);
}
