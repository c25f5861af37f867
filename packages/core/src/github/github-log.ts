import { formatWithOptions } from "node:util";

export type GithubLogLevel = "debug" | "info" | "warn" | "error";

/** Where Octokit's and the adapter's log lines go, already redacted. */
export type GithubLogSink = (level: GithubLogLevel, message: string) => void;

/** Octokit's `log` option. */
export interface OctokitLog {
  debug(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

/** Drops everything: the default, so nothing reaches the console. */
export const quietGithubLog: GithubLogSink = () => undefined;

/**
 * Octokit logs through `console` unless given a logger (and its request
 * plugin logs every call). This one formats each call to one line, removes
 * the token and other credentials, and hands it to `sink`.
 */
export function createGithubLog(sink: GithubLogSink, redact: (text: string) => string): OctokitLog {
  const line =
    (level: GithubLogLevel) =>
    (message: string, ...rest: unknown[]) => {
      const text = formatWithOptions(
        { breakLength: Number.POSITIVE_INFINITY, depth: 4 },
        message,
        ...rest,
      );
      sink(level, redact(text));
    };
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}
