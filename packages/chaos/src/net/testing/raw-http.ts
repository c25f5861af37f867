/** One raw HTTP exchange with the Toxiproxy API: status, the headers a test checks, and the exact body. */
export interface RawResponse {
  status: number;
  contentType: string | null;
  requestId: string | null;
  nosniff: string | null;
  body: string;
}

export async function rawHttp(
  url: string,
  method: string,
  path: string,
  options: { body?: string; userAgent?: string } = {},
): Promise<RawResponse> {
  const response = await fetch(`${url}${path}`, {
    method,
    redirect: "manual",
    headers: options.userAgent === undefined ? {} : { "user-agent": options.userAgent },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    requestId: response.headers.get("x-toxiproxy-request-id"),
    nosniff: response.headers.get("x-content-type-options"),
    body: await response.text(),
  };
}

/** Toxiproxy's error body for `message` and `status`. */
export const errorBody = (message: string, status: number) =>
  `${JSON.stringify({ error: message, status })}\n`;
