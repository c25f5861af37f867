import { ok, PreflightCheck, type PreflightFinding, refused } from "../preflight-finding.js";
import { lastGoodFromReflog } from "../reflog.js";
import { type Check, type CheckContext, headOf, layoutOf } from "./check.js";

const NAME = PreflightCheck.Head;
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * HEAD is on a branch (the one push expects, when it says) and that
 * branch's commit exists. A branch with no commits yet is fine; a branch
 * whose ref names a missing object is refused with the reflog's last good
 * commit to put back.
 */
export const headCheck: Check = {
  name: NAME,
  structural: true,
  async run(context) {
    const { session } = context;
    // The common case, asked by the repository check beside the layout:
    // HEAD's commit and the ref HEAD names, resolved as `symbolic-ref HEAD`
    // resolves it. Anything else (detached, unborn, damaged) has no commit
    // or names no branch, and takes the path that tells them apart.
    const answer = headOf(context);
    if (answer !== null && OBJECT_ID.test(answer.sha) && answer.ref.startsWith("refs/heads/"))
      return onBranch(context, answer.ref, answer.sha);
    const symbolic = await session.tryRaw(["symbolic-ref", "HEAD"]);
    if (!symbolic.ok) return detached(context);
    return onBranch(context, symbolic.stdout.trim(), undefined);
  },
};

/** HEAD names `ref`; `commit` is its commit when already known. */
async function onBranch(
  context: CheckContext,
  ref: string,
  commit: string | undefined,
): Promise<PreflightFinding> {
  const { session, state, expectedBranch } = context;
  const branch = ref.replace(/^refs\/heads\//, "");
  state.branch = branch;
  state.ref = ref;
  if (expectedBranch !== undefined && branch !== expectedBranch) {
    return refused(
      NAME,
      session.error("WFM-GIT-WRONG-BRANCH", {
        message: `${session.dir} has ${branch} checked out, not the run's branch ${expectedBranch}.`,
        context: { branch: expectedBranch, detail: branch },
      }),
    );
  }
  if (commit !== undefined) return ok(NAME, `on ${branch} at ${commit}`);
  const verified = await session.tryRaw(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (verified.ok) return ok(NAME, `on ${branch} at ${verified.stdout.trim()}`);
  const target = await session.tryRaw(["rev-parse", "--verify", "--quiet", ref]);
  if (!target.ok) return ok(NAME, `on ${branch}, which has no commits yet`);
  const sha = target.stdout.trim();
  // A packed object that is damaged (not missing) is git's to describe.
  const exists = await session.tryRaw(["cat-file", "-e", sha]);
  if (!exists.ok && !/^git exited with code 1$/.test(exists.message.trim())) {
    return refused(NAME, session.classify(exists.error), true);
  }
  const good = await lastGoodFromReflog(session, layoutOf(context).commonDir, ref, sha);
  return refused(
    NAME,
    session.error("WFM-GIT-REF-BROKEN", {
      message: `${ref}, the checked-out branch, points to ${sha}, which is not in the repository.`,
      context: {
        ref,
        sha,
        detail: `the object ${sha} is missing`,
        ...(good === undefined ? {} : { good }),
      },
    }),
    true,
  );
}

/** HEAD names no branch (`symbolic-ref HEAD` failed). */
async function detached(context: CheckContext): Promise<PreflightFinding> {
  const { session, state, expectedBranch } = context;
  state.detached = true;
  const sha = (await session.raw(["rev-parse", "HEAD"])).trim();
  if (context.allowDetached && expectedBranch === undefined) {
    const commit = await session.tryRaw(["rev-parse", "--verify", "--quiet", `${sha}^{commit}`]);
    if (commit.ok) return ok(NAME, `detached at ${sha}`);
  }
  if (expectedBranch !== undefined) {
    return refused(
      NAME,
      session.error("WFM-GIT-DETACHED-HEAD", {
        message: `${session.dir} is on a detached HEAD at ${sha}, not on the run's branch ${expectedBranch}.`,
        context: { branch: expectedBranch, detail: `HEAD is detached at ${sha}` },
      }),
    );
  }
  return refused(
    NAME,
    session.error("WFM-GIT-NO-BRANCH", {
      message: `${session.dir} has a detached HEAD at ${sha}: no branch is checked out.`,
      context: { sha, branch: `wfm/rescue-${sha.slice(0, 7)}` },
    }),
  );
}
