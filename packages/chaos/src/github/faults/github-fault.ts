import { z } from "zod";

/** The kinds of GitHub-shaped fault; each is also the `fault` name in the journal. */
export const GithubFaultKind = {
  /** Empties the caller's rate-limit bucket: 403 (or 429), remaining 0, reset in the future. */
  PrimaryRateLimit: "primary-rate-limit",
  /** 403 (or 429), "You have exceeded a secondary rate limit…", with or without `retry-after`. */
  SecondaryRateLimit: "secondary-rate-limit",
  /** 502 with GitHub's HTML error page, or 500/503 JSON. */
  ServerError: "server-error",
  /** Sleeps on the injected clock before handling the request. */
  Latency: "latency",
  /** No response at all: the request never reached GitHub. */
  DropConnection: "drop-connection",
  /** The write is applied, then the response is lost (dropped, or a 502). */
  GhostWrite: "ghost-write",
  /** Revokes the caller's token: this and every later request gets 401 Bad credentials. */
  TokenRevoked: "token-revoked",
  /** 403 "Resource not accessible by integration" with `x-accepted-github-permissions`. */
  PermissionDenied: "permission-denied",
  /** A ref created now stays invisible to reads and to pull creation for `ms`. */
  EventualConsistency: "eventual-consistency",
  /** Automatic, when enabled: the 81st content-creating request in a minute is refused. */
  ContentCreationLimit: "content-creation-limit",
  /** Seeded before the run: an issue, branch or pull request that already exists. */
  PreexistingIssue: "preexisting-issue",
  PreexistingBranch: "preexisting-branch",
  PreexistingPull: "preexisting-pull",
} as const;
export type GithubFaultKind = (typeof GithubFaultKind)[keyof typeof GithubFaultKind];

export type GithubFault =
  | {
      kind: "primary-rate-limit";
      /** Default 403. */
      status?: 403 | 429;
      /** When the bucket refills, from now (default: the end of the current window). */
      resetAfterMs?: number;
    }
  | {
      kind: "secondary-rate-limit";
      /** Default 403. */
      status?: 403 | 429;
      /** Sends `retry-after: N` when given; GitHub sometimes omits it. */
      retryAfterSeconds?: number;
    }
  | { kind: "server-error" /** Default 502 (HTML body). */; status?: 500 | 502 | 503 }
  | { kind: "latency"; ms: number }
  | { kind: "drop-connection" }
  | {
      kind: "ghost-write";
      /** How the response is lost: the connection drops (default) or a 502 page comes back. */
      response?: "drop" | 502;
    }
  | { kind: "token-revoked" }
  | {
      kind: "permission-denied";
      /** The `x-accepted-github-permissions` value (default: the endpoint's, e.g. `issues=write`). */
      permissions?: string;
      /** Who is refused: an app installation (default) or a fine-grained personal access token. */
      via?: "integration" | "personal access token";
    }
  | { kind: "eventual-consistency"; ms: number };

const status403or429 = z.union([z.literal(403), z.literal(429)], { error: "must be 403 or 429" });
const nonNegativeMs = z.number().min(0, "must be a number of ms >= 0");

export const githubFaultSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("primary-rate-limit"),
      status: status403or429.optional(),
      resetAfterMs: nonNegativeMs.optional(),
    }),
    z.strictObject({
      kind: z.literal("secondary-rate-limit"),
      status: status403or429.optional(),
      retryAfterSeconds: z.number().int().min(0, "must be an integer >= 0").optional(),
    }),
    z.strictObject({
      kind: z.literal("server-error"),
      status: z
        .union([z.literal(500), z.literal(502), z.literal(503)], {
          error: "must be 500, 502 or 503",
        })
        .optional(),
    }),
    z.strictObject({ kind: z.literal("latency"), ms: nonNegativeMs }),
    z.strictObject({ kind: z.literal("drop-connection") }),
    z.strictObject({
      kind: z.literal("ghost-write"),
      response: z
        .union([z.literal("drop"), z.literal(502)], { error: 'must be "drop" or 502' })
        .optional(),
    }),
    z.strictObject({ kind: z.literal("token-revoked") }),
    z.strictObject({
      kind: z.literal("permission-denied"),
      permissions: z.string().min(1, "must be a non-empty header value").optional(),
      via: z.enum(["integration", "personal access token"]).optional(),
    }),
    z.strictObject({ kind: z.literal("eventual-consistency"), ms: nonNegativeMs }),
  ],
  {
    error:
      "must be a fault with a known kind: primary-rate-limit, secondary-rate-limit, server-error, latency, drop-connection, ghost-write, token-revoked, permission-denied or eventual-consistency",
  },
);
