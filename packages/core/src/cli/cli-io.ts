import type { Ports } from "../ports/index.js";

/** A stream the CLI writes to. */
export interface CliStream {
  write(text: string): void;
  /** Whether a person is watching (progress is redrawn in place then). */
  readonly isTTY: boolean;
  readonly columns?: number | undefined;
}

/**
 * Everything the CLI touches, injected: the process's streams, environment
 * and working directory, the ports, and interruption. `main.ts` wires the
 * real process; tests run the same code in-process with their own.
 */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly ports: Ports;
  /**
   * Calls `handler` on SIGINT or SIGTERM; returns a disposer. A second
   * signal while a run is stopping ends the process (the run stays resumable).
   */
  onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void;
  /** Ends the process at once with `code` (a second interruption). */
  exitNow(code: number): void;
  /** SIGKILLs this process (test fault points only). */
  killSelf(): void;
}

/** Streams with every write passed through `redact` (the token never reaches output). */
export function redactedIo(io: CliIo, redact: (text: string) => string): CliIo {
  const wrap = (stream: CliStream): CliStream => ({
    write: (text) => stream.write(redact(text)),
    isTTY: stream.isTTY,
    columns: stream.columns,
  });
  return { ...io, stdout: wrap(io.stdout), stderr: wrap(io.stderr) };
}
