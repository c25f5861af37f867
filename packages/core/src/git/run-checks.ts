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
 * after it are reported as skipped, not run against a broken repository. A
 * check that fails unexpectedly is a refusal with the failure classified,
 * never a silent pass; an abort is rethrown.
 *
 * Guards run one check at a time and stop at the first refusal. Preflight
 * runs the checks about the remote (`remote: true`) beside the local ones
 * once the repository is found and every check that must run `alone` (it
 * looks for git processes at work in the repository) is done: the remote's
 * answer (a network round trip) then costs no more than the local checks
 * take, and is never taken for someone else's git at work.
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
  // In order: the repository check, and everything up to the last check that must run alone.
  const openingLength = Math.max(1, checks.findLastIndex((check) => check.alone === true) + 1);
  const first = checks.slice(0, openingLength);
  const rest = checks.slice(openingLength);
  if (options.stopAtFirstRefusal || !rest.some((check) => check.remote === true)) {
    return (await runInOrder(context, checks, options.stopAtFirstRefusal)).findings;
  }
  const opening = await runInOrder(context, first, false);
  const refusedFirst = opening.blockedBy;
  if (refusedFirst !== undefined) {
    return [...opening.findings, ...rest.map((check) => skipped(check, refusedFirst))];
  }
  const [local, remote] = await settledBoth(
    runInOrder(
      context,
      rest.filter((check) => check.remote !== true),
      false,
    ),
    runInOrder(
      context,
      rest.filter((check) => check.remote === true),
      false,
    ),
  );
  // Back into the given order; a remote check after a local structural
  // refusal is reported as skipped, as it would have been in sequence.
  const byCheck = new Map([...local.findings, ...remote.findings].map((f) => [f.check, f]));
  const findings = [...opening.findings];
  let blockedBy: string | undefined;
  for (const check of rest) {
    const finding = byCheck.get(check.name);
    if (finding === undefined) throw new TypeError(`Check ${check.name} reported nothing.`);
    if (check.remote === true && blockedBy !== undefined) {
      findings.push(skipped(check, blockedBy));
      continue;
    }
    findings.push(finding);
    if (finding.status === "refused" && finding.blocking) blockedBy ??= check.name;
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

/** Both results once both have settled (neither left running); the first failure is thrown. */
async function settledBoth<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === "rejected") throw first.reason;
  if (second.status === "rejected") throw second.reason;
  return [first.value, second.value];
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
