import type { ErrorKind } from "./error-kind.js";

const BRAND = Symbol.for("workflowmaster.error");

export interface WorkflowMasterErrorOptions {
  code: string;
  kind: ErrorKind;
  /** What was observed, as a sentence. */
  message: string;
  /** What to do next, as a sentence a person can act on. */
  guidance: string;
  /** The exact next command, when there is one. */
  command?: string;
  /** What the engine already did by itself ("retried 5 times over 2 min"). */
  automatic?: string;
  /** For a server-imposed wait: how long it asked for. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * The one error type that reaches users. Never subclassed: the `code` says
 * what happened. Check with `isWorkflowMasterError` (a brand survives
 * duplicate package copies; `instanceof` does not).
 */
export class WorkflowMasterError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly guidance: string;
  readonly command: string | undefined;
  readonly automatic: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly [BRAND] = true;

  constructor(options: WorkflowMasterErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WorkflowMasterError";
    this.code = options.code;
    this.kind = options.kind;
    this.guidance = options.guidance;
    this.command = options.command;
    this.automatic = options.automatic;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Serialisable form for state, events and `status --json`. */
  toJSON(): {
    code: string;
    kind: ErrorKind;
    message: string;
    guidance: string;
    command?: string;
    automatic?: string;
    retryAfterMs?: number;
  } {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      guidance: this.guidance,
      ...(this.command === undefined ? {} : { command: this.command }),
      ...(this.automatic === undefined ? {} : { automatic: this.automatic }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
    };
  }
}

export function isWorkflowMasterError(value: unknown): value is WorkflowMasterError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}
