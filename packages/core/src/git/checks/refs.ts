import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import { lastGoodFromReflog } from "../reflog.js";
import { type Check, layoutOf } from "./check.js";

const NAME = PreflightCheck.Refs;

/**
 * Every ref points to an object that exists. `for-each-ref` asked for each
 * object's type must read every one, and stops at the first missing
 * ("missing object X for refs/…"), which is refused with the reflog's last
 * good commit to put back.
 */
export const refsCheck: Check = {
  name: NAME,
  structural: false,
  async run(context) {
    const { session } = context;
    const listed = await session.tryRead([
      "for-each-ref",
      "--format=%(objectname) %(objecttype) %(refname)",
    ]);
    if (listed.ok)
      return ok(
        NAME,
        `${listed.stdout.split("\n").filter(Boolean).length} refs, each pointing to an object that exists`,
      );
    const missing = /missing object ([0-9a-f]{40,64}) for (\S+)/.exec(listed.message);
    if (missing?.[1] === undefined || missing[2] === undefined)
      return refused(NAME, session.classify(listed.error));
    const [, sha, ref] = missing;
    const good = await lastGoodFromReflog(session, layoutOf(context).commonDir, ref, sha);
    return refused(
      NAME,
      session.error("WFM-GIT-REF-BROKEN", {
        message: `${ref} points to ${sha}, which is not in the repository.`,
        context: {
          ref,
          sha,
          detail: `the object ${sha} is missing`,
          ...(good === undefined ? {} : { good }),
        },
        cause: listed.error,
      }),
    );
  },
};
