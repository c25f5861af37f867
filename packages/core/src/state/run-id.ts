import { wfmError } from "../errors/catalogue.js";

/** What a run id may look like: it becomes a directory name, so nothing that can climb or hide. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Returns `runId` if it is safe to use as a directory name; otherwise throws
 * WFM-RUN-ID-INVALID saying exactly what is wrong. Run ids come from users
 * (`--run-id`), so a bad one is an input error, not a bug.
 */
export function assertValidRunId(runId: unknown): string {
  const problem = runIdProblem(runId);
  if (problem === undefined) return runId as string;
  const shown = typeof runId === "string" ? JSON.stringify(runId.slice(0, 80)) : String(runId);
  throw wfmError("WFM-RUN-ID-INVALID", {
    message: `Run id ${shown} is not allowed: ${problem}.`,
    context: { runId: shown, detail: problem },
  });
}

/** Whether `runId` is a safe run id (no error: for filtering directory listings). */
export function isValidRunId(runId: unknown): runId is string {
  return runIdProblem(runId) === undefined;
}

function runIdProblem(runId: unknown): string | undefined {
  if (typeof runId !== "string") return `it is a ${typeof runId}, not a string`;
  if (runId.length === 0) return "it is empty";
  if (runId.length > 64) return `it has ${runId.length} characters; at most 64 are allowed`;
  if (runId.includes("..")) return `it contains ".."`;
  if (!/^[A-Za-z0-9]/.test(runId)) {
    return `it starts with ${JSON.stringify(runId[0])}; it must start with a letter or digit`;
  }
  const bad = /[^A-Za-z0-9._-]/.exec(runId);
  if (bad) return `it contains ${JSON.stringify(bad[0])} at position ${bad.index + 1}`;
  return RUN_ID_PATTERN.test(runId) ? undefined : `it does not match ${RUN_ID_PATTERN}`;
}
