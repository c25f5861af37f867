/**
 * An API failure with its HTTP status, written as Toxiproxy writes errors:
 * `{"error":"<message>","status":<code>}` plus a newline, as text/plain.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }

  /** `"<wrapper message>: <detail>"` with the wrapper's status (Go's `joinError`). */
  static join(wrapper: ApiError, detail: string): ApiError {
    return new ApiError(`${wrapper.message}: ${detail}`, wrapper.status);
  }
}

/** Toxiproxy's error values, word for word (api.go). */
export const API_ERRORS = {
  badRequestBody: new ApiError("bad request body", 400),
  missingField: new ApiError("missing required field", 400),
  proxyNotFound: new ApiError("proxy not found", 404),
  proxyAlreadyExists: new ApiError("proxy already exists", 409),
  invalidStream: new ApiError("stream was invalid, can be either upstream or downstream", 400),
  invalidToxicType: new ApiError("invalid toxic type", 400),
  toxicAlreadyExists: new ApiError("toxic already exists", 409),
  toxicNotFound: new ApiError("toxic not found", 404),
} as const;

/** Any failure as an ApiError: ours keep their status, anything else is a 500 (Go's `apiError`). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(error instanceof Error ? error.message : String(error), 500);
}
