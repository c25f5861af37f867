import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { RequestError } from "@octokit/request-error";
import { GitError, simpleGit } from "simple-git";
import { afterAll, describe, expect, it } from "vitest";
import { nodeProcessSpawner } from "../ports/process-spawner.js";
import { CATALOGUE, type ErrorCode, type ErrorContext, wfmError } from "./catalogue.js";
import { CLASSIFY_CODES, classify } from "./classify.js";
import { ErrorKind } from "./error-kind.js";

// ── fixtures ────────────────────────────────────────────────────────────────
// Every error below is a real one: thrown by git, Node, fetch or Octokit's own
// RequestError class. Where the real thing cannot happen here (EACCES as root,
// DNS without a network) the value is built exactly as Node or git builds it.

const CONTEXT: ErrorContext = {
  runId: "r1",
  cwd: "/work/repo",
  branch: "wfm/add-greeting",
  repo: "octo/hello",
  phase: "push",
};

/** A classic token shape; the secrets tests check it never comes back out. */
const TOKEN = `ghp_${"A1b2C3d4E5f6G7h8I9j0".repeat(2).slice(0, 36)}`;
const FINE_GRAINED_TOKEN = `github_pat_${"11ABCDEFG0".repeat(9)}`;

const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "wfm-classify-")));
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function rejectionOf(operation: Promise<unknown>): Promise<unknown> {
  try {
    await operation;
  } catch (error) {
    return error;
  }
  throw new Error("expected the operation to fail, but it succeeded");
}

function thrownBy(operation: () => unknown): unknown {
  try {
    operation();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw, but it returned");
}

/** Node's shape for an errno error (`Object.assign(new Error(...), { code, errno, syscall, path })`). */
function errnoError(code: string, errno: number, syscall: string, file?: string): Error {
  const description = ERRNO_TEXT[code] ?? code;
  const where = file === undefined ? "" : ` '${file}'`;
  return Object.assign(new Error(`${code}: ${description}, ${syscall}${where}`), {
    code,
    errno,
    syscall,
    ...(file === undefined ? {} : { path: file }),
  });
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  EIO: "i/o error",
  EFBIG: "file too large",
  EMFILE: "too many open files",
  ENFILE: "file table overflow",
  ENOMEM: "not enough memory",
  EPIPE: "broken pipe",
};

/** Network errors as Node's net and dns modules build them. */
function socketError(code: string, errno: number, syscall: string, message: string): Error {
  return Object.assign(new Error(message), { code, errno, syscall });
}

// ── GitHub: real RequestError instances with GitHub's verbatim headers ────

/** Headers GitHub sends on every REST response (github-api.md §6.1). */
const GITHUB_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "x-github-request-id": "E198:4063:33BD6:375FF:652AAB04",
  "x-github-api-version-selected": "2022-11-28",
  "x-ratelimit-limit": "5000",
  "x-ratelimit-remaining": "4961",
  "x-ratelimit-used": "39",
  "x-ratelimit-reset": "1675783409",
  "x-ratelimit-resource": "core",
  date: "Tue, 07 Feb 2023 14:23:29 GMT",
};
const RESET_MS = 1_675_783_409_000;
/** 14 minutes before the reset. */
const NOW = RESET_MS - 14 * 60_000;

/** `@octokit/request` builds the message from the body exactly like this. */
function octokitMessage(data: unknown): string {
  if (typeof data === "string") return data;
  const body = data as { message: string; documentation_url?: string; errors?: unknown[] };
  const suffix = body.documentation_url === undefined ? "" : ` - ${body.documentation_url}`;
  return Array.isArray(body.errors)
    ? `${body.message}: ${body.errors.map((entry) => JSON.stringify(entry)).join(", ")}${suffix}`
    : `${body.message}${suffix}`;
}

function githubError(
  status: number,
  data: unknown,
  options: {
    headers?: Record<string, string>;
    method?: "GET" | "POST" | "PATCH";
    url?: string;
  } = {},
): RequestError {
  const url = `https://api.github.com${options.url ?? "/repos/octo/hello/issues"}`;
  return new RequestError(octokitMessage(data), status, {
    request: {
      method: options.method ?? "POST",
      url,
      headers: { authorization: `token ${TOKEN}`, "user-agent": "workflowmaster" },
    },
    response: { status, url, headers: { ...GITHUB_HEADERS, ...options.headers }, data },
  });
}

/** What `@octokit/request`'s fetch wrapper throws when fetch itself fails. */
function octokitTransportError(fetchError: unknown, url: string): RequestError {
  let message = "Unknown Error";
  if (fetchError instanceof Error) {
    message = fetchError.message;
    if (fetchError.name === "TypeError" && fetchError.cause instanceof Error) {
      message = fetchError.cause.message;
    }
  }
  const error = new RequestError(message, 500, {
    request: { method: "POST", url, headers: { authorization: `token ${TOKEN}` } },
  });
  error.cause = fetchError;
  return error;
}

const docs = (page: string) => `https://docs.github.com/rest/${page}`;

// ── loopback servers for fetch, Octokit transport and git over HTTP ────────

async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  return port;
}

/** `/401/…`, `/403/…`, `/502/…` answer with that status; `/reset/…` drops the socket; `/hang/…` never answers. */
const httpServer = http.createServer((request, response) => {
  const kind = request.url?.split("/")[1] ?? "";
  if (kind === "reset") {
    request.socket.destroy();
    return;
  }
  if (kind === "rst") {
    request.socket.resetAndDestroy();
    return;
  }
  if (kind === "hang") return;
  const status = Number(kind);
  response.writeHead(status, status === 401 ? { "www-authenticate": 'Basic realm="GitHub"' } : {});
  response.end("no\n");
});
const httpPort = await listen(httpServer);
const base = `http://127.0.0.1:${httpPort}`;
const refusedPort = await closedPort();
afterAll(async () => {
  httpServer.closeAllConnections();
  await new Promise<void>((resolve) => httpServer.close(() => resolve()));
});

// ── real git ────────────────────────────────────────────────────────────────

const GIT_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: root,
  LC_ALL: "C",
  LANG: "C",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_TERMINAL_PROMPT: "0",
  GIT_CEILING_DIRECTORIES: path.dirname(root),
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

const git = (baseDir: string, options: Parameters<typeof simpleGit>[0] = {}) =>
  simpleGit({ baseDir, ...(options as object) }).env(GIT_ENV);

async function commitFile(dir: string, file: string, text: string): Promise<void> {
  await fs.writeFile(path.join(dir, file), text);
  await git(dir).add(file);
  await git(dir).commit(`write ${file}`);
}

const bare = path.join(root, "remote.git");
const alice = path.join(root, "alice");
const bob = path.join(root, "bob");
await git(root).raw(["init", "--bare", "-b", "main", bare]);
await git(root).clone(bare, alice);
await git(root).clone(bare, bob);
await commitFile(alice, "f.txt", "one\n");
await git(alice).push("origin", "HEAD:refs/heads/main");
await git(bob).pull("origin", "main");
await commitFile(alice, "f.txt", "two from alice\n");
await git(alice).push("origin", "HEAD:refs/heads/main");
await commitFile(bob, "f.txt", "two from bob\n");

const gitErrors = {
  fetchFirst: await rejectionOf(git(bob).push("origin", "HEAD:refs/heads/main")),
  nonFastForward: await (async () => {
    await git(bob).fetch();
    return rejectionOf(git(bob).push("origin", "HEAD:refs/heads/main"));
  })(),
  mergeConflict: await rejectionOf(git(bob).merge(["origin/main"])),
  commitDuringConflict: await rejectionOf(git(bob).commit("resolve later")),
  pullConflict: await (async () => {
    await git(bob).raw(["merge", "--abort"]);
    return rejectionOf(git(bob).pull("origin", "main", ["--no-rebase"]));
  })(),
  rebaseConflict: await (async () => {
    await git(bob).raw(["merge", "--abort"]);
    return rejectionOf(git(bob).rebase(["origin/main"]));
  })(),
  indexLocked: await (async () => {
    await git(bob).rebase(["--abort"]);
    await fs.writeFile(path.join(bob, ".git", "index.lock"), "");
    await fs.writeFile(path.join(bob, "g.txt"), "g\n");
    const error = await rejectionOf(git(bob).add("g.txt"));
    await fs.rm(path.join(bob, ".git", "index.lock"));
    return error;
  })(),
  unknownPathspec: await rejectionOf(git(bob).checkout("no-such-branch")),
  detachedPush: await (async () => {
    const head = (await git(bob).revparse(["HEAD"])).trim();
    await git(bob).checkout(head);
    return rejectionOf(git(bob).push());
  })(),
  notARepository: await (async () => {
    const outside = await fs.mkdtemp(path.join(root, "outside-"));
    return rejectionOf(git(outside).status());
  })(),
  ...(await (async () => {
    // A clone whose newest tree object is emptied, then whose HEAD and index are damaged.
    const carol = path.join(root, "carol");
    await git(root).clone(bare, carol);
    await commitFile(carol, "h.txt", "h\n");
    const tree = (await git(carol).raw(["rev-parse", "HEAD^{tree}"])).trim();
    await fs.writeFile(path.join(carol, ".git", "objects", tree.slice(0, 2), tree.slice(2)), "");
    const emptyObject = await rejectionOf(git(carol).status());
    await fs.writeFile(path.join(carol, ".git", "HEAD"), "garbage\n");
    const garbageHead = await rejectionOf(git(carol).status());
    await fs.writeFile(path.join(carol, ".git", "HEAD"), "ref: refs/heads/main\n");
    await fs.writeFile(path.join(carol, ".git", "index"), "DIRCxx");
    const truncatedIndex = await rejectionOf(git(carol).status());
    return { emptyObject, garbageHead, truncatedIndex };
  })()),
  protectedBranch: await (async () => {
    const guarded = path.join(root, "guarded.git");
    await git(root).raw(["init", "--bare", "-b", "main", guarded]);
    const hook =
      "#!/bin/sh\necho 'GH006: Protected branch update failed for refs/heads/main.' >&2\nexit 1\n";
    await fs.writeFile(path.join(guarded, "hooks", "pre-receive"), hook, { mode: 0o755 });
    return rejectionOf(git(alice).push(guarded, "HEAD:refs/heads/main"));
  })(),
  authFailedWithToken: await rejectionOf(
    git(alice).push(
      `http://x-access-token:${TOKEN}@127.0.0.1:${httpPort}/401/o/r.git`,
      "HEAD:refs/heads/main",
    ),
  ),
  authPromptDisabled: await rejectionOf(
    git(alice).push(`${base}/401/o/r.git`, "HEAD:refs/heads/main"),
  ),
  forbidden: await rejectionOf(git(alice).push(`${base}/403/o/r.git`, "HEAD:refs/heads/main")),
  badGateway: await rejectionOf(git(alice).push(`${base}/502/o/r.git`, "HEAD:refs/heads/main")),
  emptyReply: await rejectionOf(git(alice).push(`${base}/reset/o/r.git`, "HEAD:refs/heads/main")),
  refused: await rejectionOf(
    git(alice).push(`http://127.0.0.1:${refusedPort}/o/r.git`, "HEAD:refs/heads/main"),
  ),
  blockTimeout: await rejectionOf(
    git(alice, { timeout: { block: 200 } }).raw(["ls-remote", `${base}/hang/o/r.git`]),
  ),
  aborted: await rejectionOf(git(alice, { abort: AbortSignal.abort() }).status()),
  noGitBinary: await rejectionOf(
    simpleGit({ baseDir: alice, binary: "git-not-installed-wfm" }).env(GIT_ENV).status(),
  ),
  taskConfiguration: await rejectionOf(git(alice).raw([])),
  missingBaseDir: thrownBy(() => simpleGit(path.join(root, "no-such-dir"))),
};

/** git's text for what cannot happen on loopback, verbatim, in simple-git's real error class. */
const gitText = (text: string) => new GitError(undefined, text);

// ── Node errors ─────────────────────────────────────────────────────────────

const nodeErrors = {
  diskFull: await rejectionOf(fs.writeFile("/dev/full", "x")),
  missingFile: await rejectionOf(fs.open(path.join(root, "no-such-dir", "state.json"))),
  spawnMissing: await new Promise<unknown>((resolve) => {
    const child = spawn("wfm-no-such-program", ["--version"]);
    child.on("error", resolve);
  }),
  refused: await new Promise<unknown>((resolve) => {
    net.connect(refusedPort, "127.0.0.1").on("error", resolve);
  }),
  reset: await new Promise<unknown>((resolve) => {
    const socket = net.connect(httpPort, "127.0.0.1", () => {
      socket.write("GET /rst/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
    });
    socket.on("error", resolve);
    // Should the reset ever arrive as a clean close, the case fails instead of hanging.
    socket.on("close", () => resolve(new Error("the socket closed without an error")));
  }),
  fetchRefused: await rejectionOf(fetch(`http://127.0.0.1:${refusedPort}/repos/octo/hello/issues`)),
  fetchDropped: await rejectionOf(fetch(`${base}/reset/repos/octo/hello/issues`)),
  fetchReset: await rejectionOf(fetch(`${base}/rst/repos/octo/hello/issues`)),
  fetchAborted: await rejectionOf(fetch(`${base}/hang/`, { signal: AbortSignal.abort() })),
  fetchTimedOut: await rejectionOf(fetch(`${base}/hang/`, { signal: AbortSignal.timeout(20) })),
  sleepTimedOut: await rejectionOf(delay(60_000, undefined, { signal: AbortSignal.timeout(1) })),
  sleepAborted: await rejectionOf(delay(60_000, undefined, { signal: AbortSignal.abort() })),
  typeError: thrownBy(() => (JSON.parse("null") as { phases: unknown[] }).phases.length),
  rangeError: thrownBy(() => new Array(-1)),
  syntaxError: thrownBy(() => JSON.parse("{")),
};

const gitNotARepo = await nodeProcessSpawner.run("git", ["status"], {
  cwd: await fs.mkdtemp(path.join(root, "plain-")),
  env: GIT_ENV,
});
const failedCommand = await nodeProcessSpawner.run(
  "sh",
  ["-c", "echo 'running tests' >&2; echo 'npm ERR! Test failed' >&2; exit 3"],
  { cwd: root },
);

// ── the table ───────────────────────────────────────────────────────────────

interface Case {
  readonly name: string;
  readonly error: unknown;
  readonly code: ErrorCode;
  readonly kind: (typeof ErrorKind)[keyof typeof ErrorKind];
  readonly retryAfterMs?: number;
  readonly pausable?: boolean;
  /** Exact message, or a fragment it must contain. */
  readonly message?: string | { readonly contains: string };
  readonly guidance?: string;
  readonly command?: string;
  readonly options?: { now?: number; signal?: AbortSignal };
}

const { Transient, Permanent, Partial, Environmental } = ErrorKind;

const githubCases: Case[] = [
  {
    name: "401 Bad credentials",
    error: githubError(401, {
      message: "Bad credentials",
      documentation_url: "https://docs.github.com/rest",
      status: "401",
    }),
    code: "WFM-GITHUB-BAD-CREDENTIALS",
    kind: Permanent,
    pausable: true,
    message: "GitHub answered 401 to POST /repos/octo/hello/issues: Bad credentials",
    command: 'GITHUB_TOKEN="$(gh auth token)" workflowmaster resume r1',
  },
  {
    name: "401 Requires authentication",
    error: githubError(401, {
      message: "Requires authentication",
      documentation_url: docs("issues"),
    }),
    code: "WFM-GITHUB-AUTH-REQUIRED",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "403 with remaining 0 is the primary limit, waiting until the reset plus 1 s",
    error: githubError(
      403,
      {
        message:
          "API rate limit exceeded for user ID 9535539. If you reach out to GitHub Support for help, please include the request ID 1C45:12F767:6C7E73:D8C627:6814705C and timestamp 2025-05-02 07:12:28 UTC.",
        documentation_url: docs("overview/rate-limits-for-the-rest-api"),
        status: "403",
      },
      { headers: { "x-ratelimit-remaining": "0", "x-ratelimit-used": "5000" } },
    ),
    options: { now: NOW },
    code: "WFM-GITHUB-RATE-LIMITED",
    kind: Transient,
    retryAfterMs: 14 * 60_000 + 1000,
    message: {
      contains: "(primary rate limit: 0 of 5000 left for core, resets at 2023-02-07T15:23:29.000Z)",
    },
    guidance: "the limit resets at 2023-02-07T15:23:29.000Z",
  },
  {
    name: "429 with remaining 0 and no clock falls back to GitHub's date header",
    error: githubError(
      429,
      {
        message:
          "API rate limit exceeded for 1.2.3.4. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)",
        documentation_url: docs("overview/rate-limits-for-the-rest-api"),
      },
      {
        method: "GET",
        url: "/repos/octo/hello",
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-limit": "60" },
      },
    ),
    code: "WFM-GITHUB-RATE-LIMITED",
    kind: Transient,
    retryAfterMs: 3_600_000 + 1000,
  },
  {
    name: "primary limit whose reset has already passed waits only the 1 s of slack",
    error: githubError(
      403,
      {
        message: "API rate limit exceeded for user ID 9535539.",
        documentation_url: docs("overview"),
      },
      { headers: { "x-ratelimit-remaining": "0" } },
    ),
    options: { now: RESET_MS + 5000 },
    code: "WFM-GITHUB-RATE-LIMITED",
    kind: Transient,
    retryAfterMs: 1000,
  },
  {
    name: "403 secondary limit with retry-after waits exactly that long",
    error: githubError(
      403,
      {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 1C45:12F767:6C7E73:D8C627:6814705C.",
        documentation_url: docs(
          "overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        ),
        status: "403",
      },
      { headers: { "retry-after": "30", "x-ratelimit-remaining": "4000" } },
    ),
    options: { now: NOW },
    code: "WFM-GITHUB-SECONDARY-RATE-LIMITED",
    kind: Transient,
    retryAfterMs: 30_000,
    message: { contains: "(secondary rate limit; retry-after 30 s)" },
  },
  {
    name: "403 secondary limit without retry-after waits 60 s",
    error: githubError(403, {
      message:
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      documentation_url: docs("overview/rate-limits-for-the-rest-api"),
    }),
    options: { now: NOW },
    code: "WFM-GITHUB-SECONDARY-RATE-LIMITED",
    kind: Transient,
    retryAfterMs: 60_000,
  },
  {
    name: "429 content-creation block is its own code",
    error: githubError(
      429,
      {
        message:
          "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.",
        documentation_url: docs("overview/rate-limits-for-the-rest-api"),
      },
      { headers: { "retry-after": "120" } },
    ),
    code: "WFM-GITHUB-CREATION-BLOCKED",
    kind: Transient,
    retryAfterMs: 120_000,
  },
  {
    name: "any other 429 is treated as a secondary limit",
    error: githubError(429, { message: "Too Many Requests", documentation_url: docs("overview") }),
    code: "WFM-GITHUB-SECONDARY-RATE-LIMITED",
    kind: Transient,
    retryAfterMs: 60_000,
  },
  {
    name: "a 403 carrying retry-after is a secondary limit whatever its message",
    error: githubError(
      403,
      { message: "Forbidden", documentation_url: docs("overview") },
      { headers: { "retry-after": "7" } },
    ),
    code: "WFM-GITHUB-SECONDARY-RATE-LIMITED",
    kind: Transient,
    retryAfterMs: 7000,
  },
  {
    name: "the older abuse-detection wording is a secondary limit",
    error: githubError(403, {
      message:
        "You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.",
      documentation_url: docs("overview"),
    }),
    code: "WFM-GITHUB-SECONDARY-RATE-LIMITED",
    kind: Transient,
    retryAfterMs: 60_000,
  },
  {
    name: "403 Resource not accessible by integration names the permission",
    error: githubError(
      403,
      {
        message: "Resource not accessible by integration",
        documentation_url: docs("issues/issues#create-an-issue"),
        status: "403",
      },
      { headers: { "x-accepted-github-permissions": "issues=write" } },
    ),
    code: "WFM-GITHUB-PERMISSION-DENIED",
    kind: Permanent,
    pausable: true,
    message:
      "GitHub answered 403 to POST /repos/octo/hello/issues: Resource not accessible by integration (needs issues=write)",
    guidance: "the token needs issues=write",
  },
  {
    name: "403 Resource not accessible by personal access token without a header",
    error: githubError(403, {
      message: "Resource not accessible by personal access token",
      documentation_url: docs("pulls/pulls#create-a-pull-request"),
    }),
    code: "WFM-GITHUB-PERMISSION-DENIED",
    kind: Permanent,
    pausable: true,
    guidance: "a permission GitHub did not name",
  },
  {
    name: "403 for a classic token names the accepted OAuth scope",
    error: githubError(
      403,
      { message: "Must have admin rights to Repository.", documentation_url: docs("repos") },
      { headers: { "x-accepted-oauth-scopes": "repo", "x-oauth-scopes": "read:org" } },
    ),
    code: "WFM-GITHUB-PERMISSION-DENIED",
    kind: Permanent,
    pausable: true,
    guidance: "the token needs the repo scope",
  },
  {
    name: "404 Not Found",
    error: githubError(
      404,
      { message: "Not Found", documentation_url: docs("git/refs#get-a-reference"), status: "404" },
      { method: "GET", url: "/repos/octo/hello/git/ref/heads/wfm%2Fadd-greeting" },
    ),
    code: "WFM-GITHUB-NOT-FOUND",
    kind: Permanent,
    pausable: true,
    command: "gh repo view octo/hello",
  },
  {
    name: "409 on an empty repository",
    error: githubError(
      409,
      { message: "Git Repository is empty.", documentation_url: docs("git/refs") },
      { url: "/repos/octo/hello/git/refs" },
    ),
    code: "WFM-GITHUB-REPO-EMPTY",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "409 for another conflict",
    error: githubError(
      409,
      { message: "Merge conflict", documentation_url: docs("branches/branches#merge-a-branch") },
      { url: "/repos/octo/hello/merges" },
    ),
    code: "WFM-GITHUB-CONFLICT",
    kind: Permanent,
  },
  {
    name: "410 issues disabled",
    error: githubError(410, {
      message: "Issues are disabled for this repo",
      documentation_url: docs("issues/issues#create-an-issue"),
    }),
    code: "WFM-GITHUB-GONE",
    kind: Permanent,
    pausable: true,
    command: "gh repo edit octo/hello --enable-issues",
  },
  {
    name: "422 a pull request already exists",
    error: githubError(
      422,
      {
        message: "Validation Failed",
        errors: [
          {
            resource: "PullRequest",
            code: "custom",
            message: "A pull request already exists for octo:wfm/add-greeting.",
          },
        ],
        documentation_url: docs("pulls/pulls#create-a-pull-request"),
        status: "422",
      },
      { url: "/repos/octo/hello/pulls" },
    ),
    code: "WFM-GITHUB-PR-EXISTS",
    kind: Permanent,
    pausable: true,
    guidance: "open pull request for octo:wfm/add-greeting.",
    command: "gh pr list --repo octo/hello --head wfm/add-greeting",
  },
  {
    name: "422 no commits between",
    error: githubError(
      422,
      {
        message: "Validation Failed",
        errors: [
          {
            resource: "PullRequest",
            code: "custom",
            message: "No commits between main and feature",
          },
        ],
        documentation_url: docs("pulls/pulls#create-a-pull-request"),
      },
      { url: "/repos/octo/hello/pulls" },
    ),
    code: "WFM-GITHUB-NO-COMMITS",
    kind: Permanent,
    pausable: true,
    guidance: "(No commits between main and feature)",
  },
  {
    name: "422 head invalid needs the push reconciled",
    error: githubError(
      422,
      {
        message: "Validation Failed",
        errors: [{ resource: "PullRequest", field: "head", code: "invalid" }],
        documentation_url: docs("pulls/pulls#create-a-pull-request"),
      },
      { url: "/repos/octo/hello/pulls" },
    ),
    code: "WFM-GITHUB-HEAD-INVALID",
    kind: Partial,
    command: "git -C /work/repo ls-remote origin refs/heads/wfm/add-greeting",
  },
  {
    name: "422 Reference already exists (no errors array)",
    error: githubError(
      422,
      {
        message: "Reference already exists",
        documentation_url: docs("git/refs#create-a-reference"),
        status: "422",
      },
      { url: "/repos/octo/hello/git/refs" },
    ),
    code: "WFM-GITHUB-REF-EXISTS",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "422 Object does not exist",
    error: githubError(
      422,
      { message: "Object does not exist", documentation_url: docs("git/refs#create-a-reference") },
      { url: "/repos/octo/hello/git/refs" },
    ),
    code: "WFM-GITHUB-OBJECT-MISSING",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "422 Reference update failed",
    error: githubError(
      422,
      {
        message: "Reference update failed",
        documentation_url: docs("git/refs#create-a-reference"),
      },
      { url: "/repos/octo/hello/git/refs" },
    ),
    code: "WFM-GITHUB-REF-UPDATE-FAILED",
    kind: Permanent,
  },
  {
    name: "422 Update is not a fast forward",
    error: githubError(
      422,
      {
        message: "Update is not a fast forward",
        documentation_url: docs("git/refs#update-a-reference"),
      },
      { method: "PATCH", url: "/repos/octo/hello/git/refs/heads/wfm/add-greeting" },
    ),
    code: "WFM-GITHUB-NOT-FAST-FORWARD",
    kind: Partial,
  },
  {
    name: "422 label already_exists",
    error: githubError(
      422,
      {
        message: "Validation Failed",
        errors: [{ resource: "Label", code: "already_exists", field: "name" }],
        documentation_url: docs("issues/labels#create-a-label"),
      },
      { url: "/repos/octo/hello/labels" },
    ),
    code: "WFM-GITHUB-ALREADY-EXISTS",
    kind: Permanent,
    pausable: true,
    guidance: "GitHub already has this label (same name) on octo/hello",
  },
  {
    name: "422 generic validation failure",
    error: githubError(422, {
      message: "Validation Failed",
      errors: [{ resource: "Issue", field: "title", code: "missing_field" }],
      documentation_url: docs("issues/issues#create-an-issue"),
    }),
    code: "WFM-GITHUB-VALIDATION-FAILED",
    kind: Permanent,
    guidance: "(Validation Failed: Issue title missing_field)",
  },
  {
    name: "400 Problems parsing JSON",
    error: githubError(400, {
      message: "Problems parsing JSON",
      documentation_url: docs("issues"),
    }),
    code: "WFM-GITHUB-BAD-REQUEST",
    kind: Permanent,
  },
  {
    name: "500 Server Error",
    error: githubError(500, { message: "Server Error" }),
    code: "WFM-GITHUB-SERVER-ERROR",
    kind: Transient,
    message: "GitHub answered 500 to POST /repos/octo/hello/issues: Server Error",
  },
  {
    name: "502 with an HTML page does not echo the markup",
    error: githubError(
      502,
      "<!DOCTYPE html>\n<html><head><title>Unicorn! · GitHub</title></head><body>…</body></html>",
      { headers: { "content-type": "text/html; charset=utf-8" } },
    ),
    code: "WFM-GITHUB-SERVER-ERROR",
    kind: Transient,
    message: "GitHub answered 502 to POST /repos/octo/hello/issues: an HTML error page",
  },
  {
    name: "503 with retry-after waits that long",
    error: githubError(
      503,
      { message: "Service Unavailable" },
      { headers: { "retry-after": "5" } },
    ),
    code: "WFM-GITHUB-SERVER-ERROR",
    kind: Transient,
    retryAfterMs: 5000,
  },
  {
    name: "504 gateway timeout",
    error: githubError(504, { message: "We couldn't respond to your request in time." }),
    code: "WFM-GITHUB-SERVER-ERROR",
    kind: Transient,
  },
  {
    name: "an unlisted 4xx",
    error: githubError(451, {
      message: "Repository access blocked",
      documentation_url: docs("repos"),
    }),
    code: "WFM-GITHUB-REQUEST-FAILED",
    kind: Permanent,
  },
  {
    name: "transport failure: fetch refused (status 500, no response)",
    error: octokitTransportError(
      nodeErrors.fetchRefused,
      `http://127.0.0.1:${refusedPort}/repos/octo/hello/issues`,
    ),
    code: "WFM-NET-REFUSED",
    kind: Transient,
    message: {
      contains:
        "GitHub could not be reached for POST /repos/octo/hello/issues: connect ECONNREFUSED",
    },
  },
  {
    name: "transport failure: socket closed by the server (undici UND_ERR_SOCKET)",
    error: octokitTransportError(nodeErrors.fetchDropped, `${base}/reset/repos/octo/hello/issues`),
    code: "WFM-NET-RESET",
    kind: Transient,
    message: { contains: "other side closed" },
  },
  {
    name: "transport failure: connection reset (ECONNRESET)",
    error: octokitTransportError(nodeErrors.fetchReset, `${base}/rst/repos/octo/hello/issues`),
    code: "WFM-NET-RESET",
    kind: Transient,
  },
  {
    name: "transport failure: DNS (ENOTFOUND)",
    error: octokitTransportError(
      Object.assign(new TypeError("fetch failed"), {
        cause: Object.assign(
          socketError("ENOTFOUND", -3008, "getaddrinfo", "getaddrinfo ENOTFOUND api.github.com"),
          {
            hostname: "api.github.com",
          },
        ),
      }),
      "https://api.github.com/repos/octo/hello/issues",
    ),
    code: "WFM-NET-DNS",
    kind: Transient,
  },
  {
    name: "transport failure with nothing beneath it",
    error: new RequestError("Unknown Error", 500, {
      request: { method: "GET", url: "https://api.github.com/repos/octo/hello", headers: {} },
    }),
    code: "WFM-NET-FAILED",
    kind: Transient,
  },
  {
    name: "a RequestError from another copy of the package (duck-typed)",
    error: Object.assign(new Error("Bad credentials - https://docs.github.com/rest"), {
      name: "HttpError",
      status: 401,
      request: { method: "GET", url: "https://api.github.com/repos/octo/hello", headers: {} },
      response: {
        status: 401,
        url: "",
        headers: GITHUB_HEADERS,
        data: { message: "Bad credentials" },
      },
    }),
    code: "WFM-GITHUB-BAD-CREDENTIALS",
    kind: Permanent,
    pausable: true,
  },
];

const gitCases: Case[] = [
  {
    name: "a stale index.lock (real `git add`)",
    error: gitErrors.indexLocked,
    code: "WFM-GIT-INDEX-LOCKED",
    kind: Environmental,
    message: { contains: `fatal: Unable to create '${bob}/.git/index.lock': File exists.` },
    guidance: `${bob}/.git/index.lock exists: another git process is working in ${bob},`,
    command: `rm -f ${bob}/.git/index.lock`,
  },
  {
    name: "push rejected (fetch first)",
    error: gitErrors.fetchFirst,
    code: "WFM-GIT-NON-FAST-FORWARD",
    kind: Partial,
    guidance: "[rejected] (fetch first)",
  },
  {
    name: "push rejected (non-fast-forward)",
    error: gitErrors.nonFastForward,
    code: "WFM-GIT-NON-FAST-FORWARD",
    kind: Partial,
    guidance: "[rejected] (non-fast-forward)",
  },
  {
    name: "merge conflict parsed by simple-git (GitResponseError)",
    error: gitErrors.mergeConflict,
    code: "WFM-GIT-CONFLICT",
    kind: Permanent,
    pausable: true,
    guidance: "git stopped on conflicts in f.txt in /work/repo.",
    command: "git -C /work/repo status",
  },
  {
    name: "committing with unmerged files",
    error: gitErrors.commitDuringConflict,
    code: "WFM-GIT-CONFLICT",
    kind: Permanent,
    pausable: true,
    guidance: "conflicts in f.txt",
  },
  {
    name: "pull with a conflict (plain GitError text)",
    error: gitErrors.pullConflict,
    code: "WFM-GIT-CONFLICT",
    kind: Permanent,
    pausable: true,
    guidance: "conflicts in f.txt",
  },
  {
    name: "rebase stopping on a conflict",
    error: gitErrors.rebaseConflict,
    code: "WFM-GIT-CONFLICT",
    kind: Permanent,
    pausable: true,
    guidance: "conflicts in f.txt",
  },
  {
    name: "push from a detached HEAD",
    error: gitErrors.detachedPush,
    code: "WFM-GIT-DETACHED-HEAD",
    kind: Permanent,
    pausable: true,
    message: { contains: "fatal: You are not currently on a branch." },
    command: "git -C /work/repo switch wfm/add-greeting",
  },
  {
    name: "git outside a repository",
    error: gitErrors.notARepository,
    code: "WFM-GIT-NOT-A-REPOSITORY",
    kind: Permanent,
    message:
      "git status --porcelain -b -u --null failed: fatal: not a git repository (or any of the parent directories): .git",
  },
  {
    name: "a garbage HEAD",
    error: gitErrors.garbageHead,
    code: "WFM-GIT-NOT-A-REPOSITORY",
    kind: Permanent,
  },
  {
    name: "an empty loose object",
    error: gitErrors.emptyObject,
    code: "WFM-GIT-REPOSITORY-CORRUPT",
    kind: Environmental,
    command: "git -C /work/repo fsck --full",
  },
  {
    name: "a truncated index",
    error: gitErrors.truncatedIndex,
    code: "WFM-GIT-REPOSITORY-CORRUPT",
    kind: Environmental,
    guidance: "(fatal: .git/index: index file smaller than expected)",
  },
  {
    name: "a push refused by a server hook (protected branch)",
    error: gitErrors.protectedBranch,
    code: "WFM-GIT-PUSH-REJECTED",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "HTTP 401 with credentials: Authentication failed",
    error: gitErrors.authFailedWithToken,
    code: "WFM-GIT-AUTH-FAILED",
    kind: Permanent,
    pausable: true,
    command: "gh auth setup-git && workflowmaster resume r1",
  },
  {
    name: "HTTP 401 without credentials and prompts disabled",
    error: gitErrors.authPromptDisabled,
    code: "WFM-GIT-AUTH-FAILED",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "HTTP 403 from the remote",
    error: gitErrors.forbidden,
    code: "WFM-GIT-PERMISSION-DENIED",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "HTTP 502 from the remote",
    error: gitErrors.badGateway,
    code: "WFM-GIT-REMOTE-UNAVAILABLE",
    kind: Transient,
  },
  {
    name: "the remote dropping the connection (Empty reply from server)",
    error: gitErrors.emptyReply,
    code: "WFM-NET-RESET",
    kind: Transient,
  },
  {
    name: "nothing listening on the remote's port",
    error: gitErrors.refused,
    code: "WFM-NET-REFUSED",
    kind: Transient,
  },
  {
    name: "simple-git's block timeout (GitPluginError)",
    error: gitErrors.blockTimeout,
    code: "WFM-OPERATION-TIMEOUT",
    kind: Transient,
  },
  {
    name: "simple-git's abort signal (GitPluginError)",
    error: gitErrors.aborted,
    code: "WFM-INTERRUPTED",
    kind: Transient,
  },
  {
    name: "git binary not installed",
    error: gitErrors.noGitBinary,
    code: "WFM-COMMAND-NOT-FOUND",
    kind: Environmental,
    command: "command -v git-not-installed-wfm",
  },
  {
    name: "simple-git refusing a task before running git (TaskConfigurationError)",
    error: gitErrors.taskConfiguration,
    code: "WFM-INTERNAL",
    kind: Permanent,
  },
  {
    name: "simple-git on a directory that does not exist (GitConstructError)",
    error: gitErrors.missingBaseDir,
    code: "WFM-FS-NOT-FOUND",
    kind: Permanent,
    pausable: true,
    guidance: `${root}/no-such-dir does not exist`,
  },
  {
    name: "an unrecognised git failure",
    error: gitErrors.unknownPathspec,
    code: "WFM-GIT-FAILED",
    kind: Permanent,
    pausable: true,
    message:
      "git checkout no-such-branch failed: error: pathspec 'no-such-branch' did not match any file(s) known to git",
  },
  {
    name: "Could not resolve host (verbatim)",
    error: gitText(
      "fatal: unable to access 'https://github.com/octo/hello.git/': Could not resolve host: github.com\n",
    ),
    code: "WFM-NET-DNS",
    kind: Transient,
  },
  {
    name: "Connection timed out (verbatim)",
    error: gitText(
      "fatal: unable to access 'https://github.com/octo/hello.git/': Failed to connect to github.com port 443 after 130983 ms: Connection timed out\n",
    ),
    code: "WFM-NET-TIMEOUT",
    kind: Transient,
  },
  {
    name: "Network is unreachable (verbatim)",
    error: gitText(
      "fatal: unable to access 'https://github.com/octo/hello.git/': Failed to connect to github.com port 443 after 3 ms: Network is unreachable\n",
    ),
    code: "WFM-NET-UNREACHABLE",
    kind: Transient,
  },
  {
    name: "Connection reset and early EOF (verbatim)",
    error: gitText(
      "error: RPC failed; curl 56 Recv failure: Connection reset by peer\nfatal: early EOF\nfatal: fetch-pack: invalid index-pack output\n",
    ),
    code: "WFM-NET-RESET",
    kind: Transient,
  },
  {
    name: "GitHub's Authentication failed (github-api.md §6.6)",
    error: gitText("fatal: Authentication failed for 'https://github.com/octo/hello.git/'\n"),
    code: "WFM-GIT-AUTH-FAILED",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "GitHub's Permission denied (github-api.md §6.6)",
    error: gitText(
      "remote: Permission to octo/hello.git denied to someone.\nfatal: unable to access 'https://github.com/octo/hello.git/': The requested URL returned error: 403\n",
    ),
    code: "WFM-GIT-PERMISSION-DENIED",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "SSH key refused",
    error: gitText(
      "git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n",
    ),
    code: "WFM-GIT-AUTH-FAILED",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "git out of disk space",
    error: gitText(
      "error: file write error: No space left on device\nfatal: unable to write loose object file\n",
    ),
    code: "WFM-DISK-FULL",
    kind: Environmental,
    command: "df -h /work/repo",
  },
  {
    name: "git over quota",
    error: gitText("error: unable to write file .git/objects/ab/cdef: Disk quota exceeded\n"),
    code: "WFM-DISK-QUOTA",
    kind: Environmental,
  },
  {
    name: "git on a read-only filesystem",
    error: gitText("error: could not lock config file .git/config: Read-only file system\n"),
    code: "WFM-FS-READ-ONLY",
    kind: Environmental,
  },
  {
    name: "git without write permission on its objects",
    error: gitText(
      "error: insufficient permission for adding an object to repository database .git/objects\nfatal: failed to write object\n",
    ),
    code: "WFM-FS-PERMISSION-DENIED",
    kind: Environmental,
  },
  {
    name: "a GitError from another copy of simple-git (duck-typed by name)",
    error: Object.assign(new Error("fatal: You are not currently on a branch.\n"), {
      name: "GitError",
    }),
    code: "WFM-GIT-DETACHED-HEAD",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "a finished `git status` outside a repository ({ exitCode, stderr })",
    error: gitNotARepo,
    code: "WFM-GIT-NOT-A-REPOSITORY",
    kind: Permanent,
  },
  {
    name: "a finished command that failed ({ exitCode, stderr, command, args })",
    error: { ...failedCommand, command: "npm", args: ["test"] },
    code: "WFM-COMMAND-FAILED",
    kind: Permanent,
    pausable: true,
    message: "`npm test` exited with code 3: npm ERR! Test failed",
  },
];

const errnoCases: Case[] = [
  {
    name: "ENOSPC (a real write to /dev/full)",
    error: nodeErrors.diskFull,
    code: "WFM-DISK-FULL",
    kind: Environmental,
    message: "The disk is full: ENOSPC: no space left on device, write",
    command: "df -h /work/repo",
  },
  {
    name: "ENOSPC nested in a wrapper's cause",
    error: new Error("Saving the snapshot failed", {
      cause: errnoError("ENOSPC", -28, "write", "/work/repo/.workflowmaster/runs/r1/snapshot.tmp"),
    }),
    code: "WFM-DISK-FULL",
    kind: Environmental,
    message:
      "Saving the snapshot failed: The disk is full: ENOSPC: no space left on device, write '/work/repo/.workflowmaster/runs/r1/snapshot.tmp'",
    command: "df -h /work/repo/.workflowmaster/runs/r1/snapshot.tmp",
  },
  {
    name: "EDQUOT",
    error: errnoError(
      "EDQUOT",
      -122,
      "write",
      "/home/me/repo/.workflowmaster/runs/r1/journal.ndjson",
    ),
    code: "WFM-DISK-QUOTA",
    kind: Environmental,
  },
  {
    name: "EACCES names the path",
    error: errnoError("EACCES", -13, "open", "/work/repo/.workflowmaster/runs/r1/journal.ndjson"),
    code: "WFM-FS-PERMISSION-DENIED",
    kind: Environmental,
    guidance:
      "refused access to /work/repo/.workflowmaster/runs/r1/journal.ndjson (EACCES on open)",
    command: "ls -ld /work/repo/.workflowmaster/runs/r1/journal.ndjson",
  },
  {
    name: "EPERM",
    error: errnoError("EPERM", -1, "rename", "/work/repo/.workflowmaster/runs/r1/snapshot.tmp"),
    code: "WFM-FS-PERMISSION-DENIED",
    kind: Environmental,
  },
  {
    name: "EROFS names the path",
    error: errnoError("EROFS", -30, "open", "/mnt/ro/repo/.workflowmaster/runs/r1/journal.ndjson"),
    code: "WFM-FS-READ-ONLY",
    kind: Environmental,
    command: "findmnt -T /mnt/ro/repo/.workflowmaster/runs/r1/journal.ndjson",
  },
  {
    name: "EIO",
    error: errnoError("EIO", -5, "fsync"),
    code: "WFM-DISK-IO",
    kind: Environmental,
  },
  {
    name: "EFBIG (a write past the file-size limit, ulimit -f)",
    error: errnoError("EFBIG", -27, "write"),
    code: "WFM-FILE-TOO-LARGE",
    kind: Environmental,
    message: "A file reached the largest size this process may write: EFBIG: file too large, write",
    guidance: "the largest size this process may write (EFBIG on write)",
    command: "ulimit -f",
  },
  {
    name: "EMFILE",
    error: errnoError("EMFILE", -24, "open", "/work/repo/.workflowmaster/runs/r1/events.ndjson"),
    code: "WFM-FD-EXHAUSTED",
    kind: Environmental,
  },
  {
    name: "ENFILE",
    error: errnoError("ENFILE", -23, "open", "/work/repo/f.txt"),
    code: "WFM-FD-EXHAUSTED",
    kind: Environmental,
  },
  {
    name: "ENOMEM",
    error: errnoError("ENOMEM", -12, "spawn"),
    code: "WFM-MEMORY-EXHAUSTED",
    kind: Environmental,
  },
  {
    name: "ENOENT (a real open in a missing directory)",
    error: nodeErrors.missingFile,
    code: "WFM-FS-NOT-FOUND",
    kind: Permanent,
    pausable: true,
    guidance: `${root}/no-such-dir/state.json does not exist (ENOENT on open)`,
  },
  {
    name: "spawn ENOENT (a real missing program)",
    error: nodeErrors.spawnMissing,
    code: "WFM-COMMAND-NOT-FOUND",
    kind: Environmental,
    command: "command -v wfm-no-such-program",
  },
  {
    name: "ECONNREFUSED (a real connect to a closed port)",
    error: nodeErrors.refused,
    code: "WFM-NET-REFUSED",
    kind: Transient,
  },
  {
    name: "ECONNRESET (a real reset by the peer)",
    error: nodeErrors.reset,
    code: "WFM-NET-RESET",
    kind: Transient,
  },
  {
    name: "EPIPE",
    error: socketError("EPIPE", -32, "write", "write EPIPE"),
    code: "WFM-NET-RESET",
    kind: Transient,
  },
  {
    name: "ECONNABORTED",
    error: socketError("ECONNABORTED", -103, "read", "read ECONNABORTED"),
    code: "WFM-NET-RESET",
    kind: Transient,
  },
  {
    name: "ETIMEDOUT",
    error: socketError("ETIMEDOUT", -110, "connect", "connect ETIMEDOUT 140.82.112.6:443"),
    code: "WFM-NET-TIMEOUT",
    kind: Transient,
  },
  {
    name: "EAI_AGAIN",
    error: socketError("EAI_AGAIN", -3001, "getaddrinfo", "getaddrinfo EAI_AGAIN api.github.com"),
    code: "WFM-NET-DNS",
    kind: Transient,
  },
  {
    name: "ENOTFOUND",
    error: socketError("ENOTFOUND", -3008, "getaddrinfo", "getaddrinfo ENOTFOUND api.github.com"),
    code: "WFM-NET-DNS",
    kind: Transient,
  },
  {
    name: "EHOSTUNREACH",
    error: socketError("EHOSTUNREACH", -113, "connect", "connect EHOSTUNREACH 140.82.112.6:443"),
    code: "WFM-NET-UNREACHABLE",
    kind: Transient,
  },
  {
    name: "a real `fetch failed` TypeError is the network beneath it, not a bug",
    error: nodeErrors.fetchRefused,
    code: "WFM-NET-REFUSED",
    kind: Transient,
    message: {
      contains: "fetch failed: The connection was refused: connect ECONNREFUSED 127.0.0.1:",
    },
  },
  {
    name: "`fetch failed` with nothing beneath it",
    error: new TypeError("fetch failed"),
    code: "WFM-NET-FAILED",
    kind: Transient,
  },
];

const abortCases: Case[] = [
  {
    name: "a real aborted fetch (DOMException AbortError)",
    error: nodeErrors.fetchAborted,
    code: "WFM-INTERRUPTED",
    kind: Transient,
  },
  {
    name: "Octokit's rethrown AbortError (status 500 added) is an abort, not a 5xx",
    error: Object.assign(new DOMException("This operation was aborted", "AbortError"), {
      status: 500,
    }),
    code: "WFM-INTERRUPTED",
    kind: Transient,
  },
  {
    name: "a real fetch past AbortSignal.timeout (DOMException TimeoutError)",
    error: nodeErrors.fetchTimedOut,
    code: "WFM-OPERATION-TIMEOUT",
    kind: Transient,
    message: "The operation timed out: The operation was aborted due to timeout",
  },
  {
    name: "a real timers/promises sleep cut by AbortSignal.timeout (AbortError caused by TimeoutError)",
    error: nodeErrors.sleepTimedOut,
    code: "WFM-OPERATION-TIMEOUT",
    kind: Transient,
  },
  {
    name: "a real timers/promises sleep aborted",
    error: nodeErrors.sleepAborted,
    code: "WFM-INTERRUPTED",
    kind: Transient,
  },
  ...(() => {
    const controller = new AbortController();
    const reason = new Error("SIGINT received");
    controller.abort(reason);
    return [
      {
        name: "the caller's signal's custom reason, thrown as is",
        error: reason,
        options: { signal: controller.signal },
        code: "WFM-INTERRUPTED" as const,
        kind: Transient,
        message: "The operation was aborted: Error: SIGINT received",
      },
      {
        name: "a wrapper around the caller's signal's reason",
        error: new Error("push stopped", { cause: reason }),
        options: { signal: controller.signal },
        code: "WFM-INTERRUPTED" as const,
        kind: Transient,
        message: "The operation was aborted (Error: SIGINT received): Error: push stopped",
      },
    ];
  })(),
  ...(() => {
    const reason = new DOMException("phase deadline", "TimeoutError");
    const controller = new AbortController();
    controller.abort(reason);
    return [
      {
        name: "the caller's signal aborted with a TimeoutError",
        error: new Error("implement step stopped", { cause: reason }),
        options: { signal: controller.signal },
        code: "WFM-OPERATION-TIMEOUT" as const,
        kind: Transient,
      },
    ];
  })(),
];

const programmerCases: Case[] = [
  {
    name: "a real TypeError",
    error: nodeErrors.typeError,
    code: "WFM-INTERNAL",
    kind: Permanent,
    guidance:
      "An unexpected TypeError (Cannot read properties of null (reading 'phases')) stopped run r1.",
  },
  {
    name: "a real RangeError",
    error: nodeErrors.rangeError,
    code: "WFM-INTERNAL",
    kind: Permanent,
  },
  {
    name: "a real SyntaxError",
    error: nodeErrors.syntaxError,
    code: "WFM-INTERNAL",
    kind: Permanent,
  },
  {
    name: "a ReferenceError",
    error: new ReferenceError("phase is not defined"),
    code: "WFM-INTERNAL",
    kind: Permanent,
  },
  {
    name: "a TypeError wrapped by another error",
    error: new Error("phase `push` failed", { cause: new TypeError("x.map is not a function") }),
    code: "WFM-INTERNAL",
    kind: Permanent,
    message: "phase `push` failed: A programming error: TypeError: x.map is not a function",
  },
];

const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error("no reading me");
    },
    getPrototypeOf() {
      throw new Error("no prototype either");
    },
  },
);

const unclassifiedCases: Case[] = [
  {
    name: "a plain Error",
    error: new Error("something odd happened"),
    code: "WFM-ERROR-UNCLASSIFIED",
    kind: Permanent,
    pausable: true,
    message: "An unrecognised error: Error: something odd happened",
    command: "workflowmaster events r1",
  },
  {
    name: "a thrown string",
    error: "boom",
    code: "WFM-ERROR-UNCLASSIFIED",
    kind: Permanent,
    pausable: true,
    message: "An unrecognised error: boom",
  },
  {
    name: "undefined",
    error: undefined,
    code: "WFM-ERROR-UNCLASSIFIED",
    kind: Permanent,
    pausable: true,
    message: "An unrecognised error: undefined",
  },
  {
    name: "a number",
    error: 42,
    code: "WFM-ERROR-UNCLASSIFIED",
    kind: Permanent,
    pausable: true,
    message: "An unrecognised error: number 42",
  },
  {
    name: "a plain object",
    error: { reason: "odd" },
    code: "WFM-ERROR-UNCLASSIFIED",
    kind: Permanent,
    pausable: true,
    message: 'An unrecognised error: Object {"reason":"odd"}',
  },
  {
    name: "an unknown errno code",
    error: errnoError("EXDEV", -18, "rename", "/work/repo/a"),
    code: "WFM-ERROR-UNCLASSIFIED",
    kind: Permanent,
    pausable: true,
  },
  {
    name: "a value whose every read throws",
    error: hostile,
    code: "WFM-ERROR-UNCLASSIFIED",
    kind: Permanent,
    pausable: true,
    message: { contains: "The error could not be inspected" },
  },
];

const ALL_CASES = [
  ...githubCases,
  ...gitCases,
  ...errnoCases,
  ...abortCases,
  ...programmerCases,
  ...unclassifiedCases,
];

// ── assertions ──────────────────────────────────────────────────────────────

const UNRENDERED = /\{\w+\}|<[A-Z][A-Z_]*>/;

function check(testCase: Case): void {
  const error = classify(testCase.error, { context: CONTEXT, ...testCase.options });
  expect(error.code).toBe(testCase.code);
  expect(error.kind).toBe(testCase.kind);
  expect(error.retryAfterMs).toBe(testCase.retryAfterMs);
  expect(CATALOGUE.get(testCase.code)?.pausable ?? false).toBe(testCase.pausable ?? false);
  expect(error.cause).toBe(testCase.error);
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.guidance.length).toBeGreaterThan(0);
  expect(error.guidance).not.toMatch(UNRENDERED);
  expect(error.command?.length ?? 0).toBeGreaterThan(0);
  expect(error.command).not.toMatch(UNRENDERED);
  expect(error.automatic).not.toMatch(UNRENDERED);
  if (typeof testCase.message === "string") expect(error.message).toBe(testCase.message);
  if (typeof testCase.message === "object")
    expect(error.message).toContain(testCase.message.contains);
  if (testCase.guidance !== undefined) expect(error.guidance).toContain(testCase.guidance);
  if (testCase.command !== undefined) expect(error.command).toBe(testCase.command);
}

describe("classify: Octokit RequestError (status, headers, body)", () => {
  it.each(githubCases)("$name → $code", check);
});

describe("classify: simple-git GitError from real git, and finished commands", () => {
  it.each(gitCases)("$name → $code", check);
});

describe("classify: errno, nested or not", () => {
  it.each(errnoCases)("$name → $code", check);
});

describe("classify: aborts and timeouts", () => {
  it.each(abortCases)("$name → $code", check);

  it("treats the signal's custom reason as unrecognised when no signal is given", () => {
    const reason = new Error("SIGINT received");
    expect(classify(reason).code).toBe("WFM-ERROR-UNCLASSIFIED");
  });
});

describe("classify: programmer errors are never retried", () => {
  it.each(programmerCases)("$name → $code", check);
});

describe("classify: anything else", () => {
  it.each(unclassifiedCases)("$name → $code", check);
});

describe("classify: pass-through and options", () => {
  it("returns a WorkflowMasterError unchanged", () => {
    const original = wfmError("WFM-RUN-LOCKED", { context: { runId: "r1", holder: "pid 7" } });
    expect(classify(original, { context: CONTEXT })).toBe(original);
  });

  it("answers an invalid option with WFM-INTERNAL naming the field, without throwing", () => {
    const cause = new Error("x");
    const error = classify(cause, { now: Number.NaN });
    expect(error.code).toBe("WFM-INTERNAL");
    expect(error.message).toContain("classify() was called with invalid options (now)");
    expect(error.cause).toBe(cause);
  });

  it("fills placeholders with <NAME> when no context is given, never leaving braces", () => {
    const error = classify(gitErrors.detachedPush);
    expect(error.command).toBe("git -C <CWD> switch <BRANCH>");
    expect(error.guidance).not.toMatch(/\{\w+\}/);
  });

  it("lets observed values win over the caller's and shell-quotes values that need it", () => {
    const error = classify(errnoError("EACCES", -13, "open", "/tmp/my repo/it's.json"), {
      context: { ...CONTEXT, path: "/work/repo" },
    });
    expect(error.command).toBe(`ls -ld '/tmp/my repo/it'\\''s.json'`);
  });
});

describe("classify: secrets never leak", () => {
  const FINE = FINE_GRAINED_TOKEN;
  const leaks: Array<{ name: string; error: unknown }> = [
    { name: "a RequestError sent with a token", error: githubCases[0]?.error },
    {
      name: "a GitHub message that echoes a token",
      error: githubError(
        422,
        { message: `Validation Failed for token ${TOKEN}`, documentation_url: docs("issues") },
        { url: `/repos/octo/hello/issues?access_token=${TOKEN}` },
      ),
    },
    { name: "real git pushing to a URL holding a token", error: gitErrors.authFailedWithToken },
    {
      name: "git stderr echoing credentials in a URL",
      error: gitText(
        `fatal: unable to access 'https://x-access-token:${TOKEN}@github.com/octo/hello.git/': Could not resolve host: github.com\n`,
      ),
    },
    {
      name: "a git command line holding a token",
      error: Object.assign(gitText("fatal: Authentication failed\n"), {
        task: { commands: ["push", `https://${TOKEN}@github.com/octo/hello.git`, "HEAD"] },
      }),
    },
    {
      name: "an unrecognised error quoting an authorization header",
      error: new Error(`request failed with Authorization: Bearer ${FINE}`),
    },
    {
      name: "an errno error whose path holds a token",
      error: errnoError("EACCES", -13, "open", `/tmp/${FINE}`),
    },
    {
      name: "a failed command whose stderr holds a token",
      error: {
        exitCode: 1,
        stderr: `curl: header authorization: token ${TOKEN}\n`,
        command: "curl",
      },
    },
  ];

  it.each(leaks)("removes the token from $name", ({ error }) => {
    const classified = classify(error, { context: CONTEXT });
    const shown = JSON.stringify(classified.toJSON());
    for (const secret of [TOKEN, FINE, TOKEN.slice(4, 24), FINE.slice(11, 31)]) {
      expect(shown).not.toContain(secret);
      expect(classified.message).not.toContain(secret);
    }
  });

  it("still says what was observed around the redacted token", () => {
    const classified = classify(leaks[3]?.error, { context: CONTEXT });
    expect(classified.message).toBe(
      "git failed: fatal: unable to access 'https://[REDACTED]@github.com/octo/hello.git/': Could not resolve host: github.com",
    );
  });
});

describe("classify: every code it can return is exercised above", () => {
  it("reaches exactly CLASSIFY_CODES across the table", () => {
    const reached = new Set(
      ALL_CASES.map(
        (testCase) => classify(testCase.error, { context: CONTEXT, ...testCase.options }).code,
      ),
    );
    expect([...reached].sort()).toEqual([...CLASSIFY_CODES].sort());
  });

  it("has a catalogue row for every code it can return", () => {
    const missing = CLASSIFY_CODES.filter((code) => !CATALOGUE.has(code));
    expect(missing).toEqual([]);
  });
});
