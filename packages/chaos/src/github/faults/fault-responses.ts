import { type EndpointResult, errorResult, GITHUB_DOCS } from "../handlers/endpoint-result.js";
import { githubMessageTime } from "../model/github-time.js";

/** Who hit the primary limit, as GitHub names them in the message. */
export type RateLimitedCaller = { readonly userId: number } | { readonly ip: string };

/** Primary limit exhausted: 403 or 429; the caller adds `x-ratelimit-remaining: 0` and the reset. */
export function primaryRateLimitResult(
  status: 403 | 429,
  caller: RateLimitedCaller,
  requestId: string,
  now: number,
): EndpointResult {
  const message =
    "userId" in caller
      ? `API rate limit exceeded for user ID ${caller.userId}. If you reach out to GitHub Support for help, please include the request ID ${requestId} and timestamp ${githubMessageTime(now)} UTC.`
      : `API rate limit exceeded for ${caller.ip}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`;
  return errorResult(status, message, GITHUB_DOCS.rateLimits);
}

/** Secondary limit: 403 or 429, remaining still > 0, `retry-after` only sometimes. */
export function secondaryRateLimitResult(
  status: 403 | 429,
  requestId: string,
  now: number,
  retryAfterSeconds: number | undefined,
): EndpointResult {
  return errorResult(
    status,
    `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId} and timestamp ${githubMessageTime(now)} UTC.`,
    GITHUB_DOCS.secondaryRateLimits,
    retryAfterSeconds === undefined ? undefined : { "retry-after": String(retryAfterSeconds) },
  );
}

/** The content-creation variant, past 80 creates a minute or 500 an hour. */
export function contentCreationLimitResult(): EndpointResult {
  return errorResult(
    403,
    "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.",
    GITHUB_DOCS.secondaryRateLimits,
  );
}

/** GitHub's HTML error page, served by its front end for a 502. */
export const GITHUB_502_HTML = `<!DOCTYPE html>
<!--

Hello future GitHubber! I bet you're here to remove those nasty inline styles,
DRY up these templates and make 'em nice and re-usable, right?

Please, don't. https://github.com/styleguide/templates/2.0

-->
<html>
  <head>
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8">
    <title>Unicorn! &middot; GitHub</title>
  </head>
  <body>
    <div class="container">
      <p><strong>We had issues producing the response to your request.</strong></p>
      <p>Sorry about that. Please try refreshing and contact us if the problem persists.</p>
      <div id="suggestions">
        <a href="https://support.github.com">Contact Support</a> &mdash;
        <a href="https://githubstatus.com">GitHub Status</a> &mdash;
        <a href="https://twitter.com/githubstatus">@githubstatus</a>
      </div>
    </div>
  </body>
</html>
`;

/** 502 with the HTML page, or 500/503 with a JSON body. */
export function serverErrorResult(status: 500 | 502 | 503): EndpointResult {
  if (status === 502) return { status, html: GITHUB_502_HTML };
  if (status === 503) {
    return {
      status,
      body: {
        code: "service_unavailable",
        message: "Service Unavailable",
        documentation_url: GITHUB_DOCS.rest,
      },
    };
  }
  return errorResult(500, "Server Error", GITHUB_DOCS.rest);
}

/** 403 for a token without the permission; `x-accepted-github-permissions` names it. */
export function permissionDeniedResult(
  documentationUrl: string,
  permissions: string,
  via: "integration" | "personal access token",
): EndpointResult {
  return errorResult(403, `Resource not accessible by ${via}`, documentationUrl, {
    "x-accepted-github-permissions": permissions,
  });
}

export const badCredentialsResult = (): EndpointResult =>
  errorResult(401, "Bad credentials", GITHUB_DOCS.rest);

export const requiresAuthenticationResult = (documentationUrl: string): EndpointResult =>
  errorResult(401, "Requires authentication", documentationUrl);
