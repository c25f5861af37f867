import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import { type Check, layoutOf } from "./check.js";

const NAME = PreflightCheck.Shallow;

/**
 * The clone has its whole history: git's `--is-shallow-repository`, asked
 * by the repository check's `rev-parse` (see readLayout) in this same run
 * of the checks, so it costs no process of its own.
 */
export const shallowCheck: Check = {
  name: NAME,
  structural: false,
  async run(context) {
    const { session } = context;
    if (!layoutOf(context).shallow) return ok(NAME, "the clone has its whole history");
    return refused(
      NAME,
      session.error("WFM-GIT-SHALLOW", {
        message: `${session.dir} is a shallow clone: its history is cut short.`,
      }),
    );
  },
};
