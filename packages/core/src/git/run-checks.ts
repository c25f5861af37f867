import type { Check, CheckContext } from "./checks/check.js";
import { cleanTreeCheck } from "./checks/clean-tree.js";
import { headCheck } from "./checks/head.js";
import { indexCheck } from "./checks/index-file.js";
import { indexLockCheck } from "./checks/index-lock.js";
import { objectsCheck } from "./checks/objects.js";
import { objectsWritableCheck } from "./checks/objects-writable.js";
import { operationCheck } from "./checks/operation.js";
import { refsCheck } from "./checks/refs.js";
import { remoteCheck } from "./checks/remote.js";
import { remoteReachableCheck } from "./checks/remote-reachable.js";
import { repositoryCheck } from "./checks/repository.js";
import { shallowCheck } from "./checks/shallow.js";
import { upstreamCheck } from "./checks/upstream.js";
import type { GitSession } from "./git-session.js";
import type { PreflightFinding } from "./preflight-finding.js";

/** Everything preflight looks at, in order: what later checks rely on comes first. */
export const PREFLIGHT_CHECKS: readonly Check[] = [
  repositoryCheck,
  objectsCheck,
  headCheck,
  operationCheck,
  indexLockCheck,
  indexCheck,
  refsCheck,
  objectsWritableCheck,
  cleanTreeCheck,
  remoteCheck,
  remoteReachableCheck,
  upstreamCheck,
  shallowCheck,
];

/** Before a commit: the repository is whole, on a branch, nothing half done, the index free and writable. */
export const COMMIT_GUARDS: readonly Check[] = [
  repositoryCheck,
  objectsCheck,
  headCheck,
  operationCheck,
  indexLockCheck,
  indexCheck,
  refsCheck,
  objectsWritableCheck,
];

/** Before creating a branch: the same (a detached HEAD being allowed: see RunChecksOptions). */
export const BRANCH_GUARDS: readonly Check[] = [
  repositoryCheck,
  objectsCheck,
  headCheck,
  operationCheck,
  indexLockCheck,
  indexCheck,
  refsCheck,
];

/** Before a push: as for a commit (a rebase may follow), on the expected branch, with the remote configured. */
export const PUSH_GUARDS: readonly Check[] = [...COMMIT_GUARDS, remoteCheck];

export interface RunChecksOptions {
  signal?: AbortSignal | undefined;
  expectedBranch?: string | undefined;
  /** A detached HEAD passes the head check (createBranch branches from it). */
  allowDetached?: boolean;
  /** Guards stop at the first refusal; preflight reports every check. */
  stopAtFirstRefusal: boolean;
}

/**
 * Runs checks and reports their findings in the order given. After a
 * structural refusal (the repository cannot be read reliably) the checks
 * after it are reported as skipped: not run against a broken repository,
 * or, where preflight ran them at once with it, their findings dropped. A
 * check that fails unexpectedly is a refusal with the failure classified,
 * never a silent pass; an abort is rethrown.
 *
 * Guards run one check at a time and stop at the first refusal. Preflight
 * runs, in order, the repository check and everything up to the last check
 * that must run `alone` (it looks for git processes at work in the
 * repository, so none of ours may run beside it); then every check after
 * it at once, the remote's (`remote: true`) in order among themselves.
 * None of those waits for another's answer, and each only reads: their
 * git commands go through the session's `read`, which runs several at
 * once, and objects-writable creates and removes only its own probe.
 * The findings are put back in the given order, and one after a structural
 * refusal is reported as skipped, as it would have been in sequence.
 */
export async function runChecks(
  session: GitSession,
  checks: readonly Check[],
  options: RunChecksOptions,
): Promise<PreflightFinding[]> {
  const context: CheckContext = {
    session,
    state: {},
    signal: options.signal,
    expectedBranch: options.expectedBranch,
    allowDetached: options.allowDetached === true,
  };
  if (options.stopAtFirstRefusal) return (await runInOrder(context, checks, true)).findings;
  // In order: the repository check, and everything up to the last check that must run alone.
  const openingLength = Math.max(1, checks.findLastIndex((check) => check.alone === true) + 1);
  const rest = checks.slice(openingLength);
  const opening = await runInOrder(context, checks.slice(0, openingLength), false);
  const refusedFirst = opening.blockedBy;
  if (refusedFirst !== undefined) {
    return [...opening.findings, ...rest.map((check) => skipped(check, refusedFirst))];
  }
  // The remote's lane first: its two round trips one after the other are the longest.
  const remote = rest.filter((check) => check.remote === true);
  const lanes = [remote, ...rest.filter((check) => check.remote !== true).map((check) => [check])];
  const settled = await settledAll(lanes.map((lane) => runInOrder(context, lane, false)));
  const byCheck = new Map(settled.flatMap((lane) => lane.findings).map((f) => [f.check, f]));
  const findings = [...opening.findings];
  let blockedBy: string | undefined;
  for (const check of rest) {
    const finding = byCheck.get(check.name);
    if (finding === undefined) throw new TypeError(`Check ${check.name} reported nothing.`);
    if (blockedBy !== undefined) {
      findings.push(skipped(check, blockedBy));
      continue;
    }
    findings.push(finding);
    if (finding.status === "refused" && finding.blocking) blockedBy = check.name;
  }
  return findings;
}

interface InOrder {
  findings: PreflightFinding[];
  /** The structural check that refused, if one did. */
  blockedBy: string | undefined;
}

/** One check after another, as `runChecks` describes. */
async function runInOrder(
  context: CheckContext,
  checks: readonly Check[],
  stopAtFirstRefusal: boolean,
): Promise<InOrder> {
  const { session, signal } = context;
  const findings: PreflightFinding[] = [];
  let blockedBy: string | undefined;
  for (const check of checks) {
    if (signal?.aborted === true) throw signal.reason;
    if (blockedBy !== undefined) {
      findings.push(skipped(check, blockedBy));
      continue;
    }
    let finding: PreflightFinding;
    try {
      finding = await check.run(context);
    } catch (error) {
      // Read again: the check may have run long enough to be aborted.
      if (isAborted(signal)) throw signal?.reason;
      finding = {
        check: check.name,
        status: "refused",
        error: session.classify(error),
        blocking: check.structural,
      };
    }
    findings.push(finding);
    if (finding.status !== "refused") continue;
    if (stopAtFirstRefusal) break;
    if (finding.blocking) blockedBy = check.name;
  }
  return { findings, blockedBy };
}

function skipped(check: Check, blockedBy: string): PreflightFinding {
  return {
    check: check.name,
    status: "skipped",
    detail: `skipped: the ${blockedBy} check refused`,
  };
}

/** Every result once all have settled (none left running); the first failure is thrown. */
async function settledAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const values: T[] = [];
  for (const result of await Promise.allSettled(promises)) {
    if (result.status === "rejected") throw result.reason;
    values.push(result.value);
  }
  return values;
}

/**
 * Runs `checks` as a guard: throws the first refusal's error, or returns what
 * was repaired on the way (e.g. a stale index.lock removed), as sentences.
 */
export async function guard(
  session: GitSession,
  checks: readonly Check[],
  options: Omit<RunChecksOptions, "stopAtFirstRefusal"> = {},
): Promise<string[]> {
  const findings = await runChecks(session, checks, { ...options, stopAtFirstRefusal: true });
  const repairs: string[] = [];
  for (const finding of findings) {
    if (finding.status === "refused") throw finding.error;
    if (finding.status === "repaired") repairs.push(finding.detail);
  }
  return repairs;
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
