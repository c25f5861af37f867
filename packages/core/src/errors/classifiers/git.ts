import type { ErrorContext } from "../catalogue.js";
import type { Classification, Classifier, ClassifyCode } from "./classification.js";
import { classNames, isRecord, oneLine, readString } from "./inspect.js";

/** What a rule learnt from git's output, beyond the code. */
interface GitRuleMatch {
  readonly code: ClassifyCode;
  readonly context?: ErrorContext;
}

interface GitRule {
  readonly pattern: RegExp;
  readonly match: (found: RegExpExecArray, text: string) => GitRuleMatch;
}

/** A rule whose match says nothing beyond its code. */
const always = (value: ClassifyCode) => (): GitRuleMatch => ({ code: value });

/**
 * git's stderr, read in order, first match wins (simple-git puts stderr in
 * `message`). Lock and HEAD problems come before network ones because they
 * say more about what to do; "Permission denied (publickey)" is
 * authentication, so it comes before the local-permission rule.
 */
const GIT_RULES: readonly GitRule[] = [
  {
    pattern: /Unable to create '([^'\n]+\.lock)': File exists/,
    match: (found) => {
      const path = found[1] ?? "";
      const marker = path.lastIndexOf("/.git/");
      return {
        code: "WFM-GIT-INDEX-LOCKED",
        context: { path, ...(marker > 0 ? { cwd: path.slice(0, marker) } : {}) },
      };
    },
  },
  { pattern: /You are not currently on a branch/, match: always("WFM-GIT-DETACHED-HEAD") },
  { pattern: /not a git repository/i, match: always("WFM-GIT-NOT-A-REPOSITORY") },
  {
    pattern:
      /^CONFLICT \(|Automatic merge failed|unresolved conflict|you have unmerged files|Could not apply|You have not concluded your merge|rebase-merge directory/im,
    match: (_found, text) => ({
      code: "WFM-GIT-CONFLICT",
      context: { files: conflictFiles(text) },
    }),
  },
  {
    pattern:
      /object file \S+ is empty|loose object \S+ .*is corrupt|index file smaller than expected|bad signature 0x|index file corrupt|fatal: bad object|invalid sha1 pointer|unable to read tree|packfile \S+ cannot be accessed|bad index file/i,
    match: always("WFM-GIT-REPOSITORY-CORRUPT"),
  },
  {
    pattern: /\[remote rejected\]|GH006|protected branch|pre-receive hook declined/i,
    match: always("WFM-GIT-PUSH-REJECTED"),
  },
  {
    pattern:
      /\[rejected\][^\n]*\((?:fetch first|non-fast-forward|stale info)\)|Updates were rejected because/,
    match: always("WFM-GIT-NON-FAST-FORWARD"),
  },
  {
    pattern:
      /Authentication failed|could not read (?:Username|Password)|Invalid username or password|Permission denied \(publickey|returned error: 401|Host key verification failed/i,
    match: always("WFM-GIT-AUTH-FAILED"),
  },
  {
    pattern: /Permission to \S+ denied|returned error: 403|Write access to repository not granted/i,
    match: always("WFM-GIT-PERMISSION-DENIED"),
  },
  {
    pattern: /returned error: 5\d\d|RPC failed; HTTP 5\d\d/i,
    match: always("WFM-GIT-REMOTE-UNAVAILABLE"),
  },
  {
    pattern:
      /Could not resolve host|Could not resolve hostname|Temporary failure in name resolution|Name or service not known/i,
    match: always("WFM-NET-DNS"),
  },
  { pattern: /timed out/i, match: always("WFM-NET-TIMEOUT") },
  { pattern: /Network is unreachable|No route to host/i, match: always("WFM-NET-UNREACHABLE") },
  {
    pattern: /Connection refused|Couldn't connect to server|Failed to connect to/i,
    match: always("WFM-NET-REFUSED"),
  },
  {
    pattern:
      /Connection reset|early EOF|remote end hung up unexpectedly|Empty reply from server|RPC failed|unexpected disconnect|Broken pipe|SSL_ERROR_SYSCALL|GnuTLS recv error/i,
    match: always("WFM-NET-RESET"),
  },
  { pattern: /No space left on device/i, match: always("WFM-DISK-FULL") },
  { pattern: /Disk quota exceeded/i, match: always("WFM-DISK-QUOTA") },
  { pattern: /Read-only file system/i, match: always("WFM-FS-READ-ONLY") },
  {
    pattern: /Permission denied|insufficient permission/i,
    match: always("WFM-FS-PERMISSION-DENIED"),
  },
  {
    // simple-git reports a failed spawn as the text of Node's error.
    pattern: /^Error: spawn (\S+) ENOENT/m,
    match: (found) => ({ code: "WFM-COMMAND-NOT-FOUND", context: { path: found[1] ?? "git" } }),
  },
];

/** Files named in git's conflict report; `CONFLICT (…): Merge conflict in f` and `U\tf`. */
function conflictFiles(text: string, parsed: readonly string[] = []): string {
  const files = new Set(parsed);
  for (const found of text.matchAll(/^CONFLICT \([^)]*\): Merge conflict in (.+)$/gm)) {
    if (found[1] !== undefined) files.add(found[1].trim());
  }
  for (const found of text.matchAll(/^CONFLICT \([^)]*\): (\S+) deleted in /gm)) {
    if (found[1] !== undefined) files.add(found[1].trim());
  }
  for (const found of text.matchAll(/^U\t(.+)$/gm)) {
    if (found[1] !== undefined) files.add(found[1].trim());
  }
  return files.size === 0 ? "the files `git status` lists as unmerged" : [...files].join(", ");
}

/** The line that says what went wrong: git's `fatal:`/`error:`/rejection line, else the first. */
function telling(text: string): string {
  const lines = text
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const best =
    lines.find((line) => /^(fatal|error):/.test(line) && !/failed to push some refs/.test(line)) ??
    lines.find((line) => /\[(?:remote )?rejected\]|^CONFLICT \(|^remote: /.test(line)) ??
    lines[0];
  return oneLine(best ?? "no output");
}

/**
 * Classifies git's output alone, for a GitError or a `{ exitCode, stderr }`
 * result. `undefined` when no rule knows it.
 */
export function classifyGitOutput(
  text: string,
  label: string,
  parsedConflicts: readonly string[] = [],
): Classification | undefined {
  const detail = telling(text);
  // simple-git's parsed merge summary is the structured signal: trust it over the text.
  if (parsedConflicts.length > 0) {
    return {
      code: "WFM-GIT-CONFLICT",
      message: `${label} failed: ${detail}`,
      context: { files: conflictFiles(text, parsedConflicts), detail },
    };
  }
  for (const rule of GIT_RULES) {
    const found = rule.pattern.exec(text);
    if (found === null) continue;
    const matched = rule.match(found, text);
    // The line that matched says more than git's closing `fatal:` line.
    const line = lineAt(text, found.index);
    return {
      code: matched.code,
      message: `${label} failed: ${line}`,
      context: { detail: line, ...matched.context },
    };
  }
  return undefined;
}

function lineAt(text: string, index: number): string {
  const start = Math.max(
    text.lastIndexOf("\n", index - 1) + 1,
    text.lastIndexOf("\r", index - 1) + 1,
  );
  const ends = [text.indexOf("\n", index), text.indexOf("\r", index)].filter((end) => end !== -1);
  return oneLine(text.slice(start, ends.length === 0 ? undefined : Math.min(...ends)));
}

function isGitError(value: unknown): boolean {
  if (!isRecord(value)) return false;
  return value.name === "GitError" || classNames(value).includes("GitError");
}

/** `git push origin main`, from simple-git's task, when it is known. */
function commandLabel(value: unknown): string {
  const task = isRecord(value) ? value.task : undefined;
  const commands = isRecord(task) ? task.commands : undefined;
  if (!Array.isArray(commands) || commands.length === 0) return "git";
  const args = commands.filter((part): part is string => typeof part === "string");
  return oneLine(`git ${args.join(" ")}`, 120);
}

/** Files simple-git already parsed from a failed merge (`GitResponseError<MergeSummary>`). */
function parsedConflictFiles(value: unknown): string[] {
  const summary = isRecord(value) ? value.git : undefined;
  const conflicts = isRecord(summary) ? summary.conflicts : undefined;
  if (!Array.isArray(conflicts)) return [];
  return conflicts
    .map((conflict) => readString(conflict, "file"))
    .filter((file): file is string => file !== undefined && file !== "");
}

/**
 * simple-git's `GitError` family, duck-typed by class name so a second copy
 * of simple-git is recognised (its errors keep `name === "Error"`).
 */
export const classifyGitError: Classifier = (value) => {
  if (!isGitError(value)) return undefined;
  const names = classNames(value);
  const label = commandLabel(value);
  const text = readString(value, "message") ?? "";
  const plugin = readString(value, "plugin");
  if (plugin === "timeout") {
    return {
      code: "WFM-OPERATION-TIMEOUT",
      message: `${label} timed out: ${oneLine(text)}`,
      context: { detail: `${label} produced no output for too long (${oneLine(text)})` },
    };
  }
  if (plugin === "abort") {
    return {
      code: "WFM-INTERRUPTED",
      message: `${label} was aborted: ${oneLine(text)}`,
      context: { detail: oneLine(text) },
    };
  }
  // simple-git refused the task before running git: a bug in how it was called.
  if (names.includes("TaskConfigurationError")) {
    return {
      code: "WFM-INTERNAL",
      message: `simple-git refused the task before running git: ${oneLine(text)}`,
      context: { detail: `TaskConfigurationError (${oneLine(text)})` },
    };
  }
  // simple-git checks its working directory before running anything.
  if (names.includes("GitConstructError")) {
    const config = isRecord(value) ? value.config : undefined;
    const baseDir = readString(config, "baseDir");
    return {
      code: "WFM-FS-NOT-FOUND",
      message: `git could not start: ${oneLine(text)}${baseDir === undefined ? "" : ` (${baseDir})`}`,
      context: { detail: oneLine(text), ...(baseDir === undefined ? {} : { path: baseDir }) },
    };
  }
  const classified = classifyGitOutput(text, label, parsedConflictFiles(value));
  if (classified !== undefined) return classified;
  const detail = telling(text);
  return { code: "WFM-GIT-FAILED", message: `${label} failed: ${detail}`, context: { detail } };
};
