import type { WorkflowMasterError } from "./workflow-master-error.js";

/** Inside the engine, outcomes are data; the public edge throws. */
export type Result<T, E = WorkflowMasterError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
