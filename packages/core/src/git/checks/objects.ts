import { join } from "node:path";
import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import { verifyLooseObjects } from "../verify-loose-objects.js";
import { type Check, layoutOf } from "./check.js";

const NAME = PreflightCheck.Objects;
/**
 * Every loose object is whole (see verifyLooseObjects). A damaged one stops
 * everything that writes: the repository is to be copied and repaired by a
 * person, not built upon.
 */
export const objectsCheck: Check = {
  name: NAME,
  structural: true,
  async run(context) {
    const { session } = context;
    const layout = layoutOf(context);
    const report = await verifyLooseObjects(
      session.fs,
      join(layout.commonDir, "objects"),
      layout.objectFormat,
      session.options.maxLooseObjects,
    );
    const [first] = report.problems;
    if (first !== undefined) {
      const others = report.problems.length - 1;
      const detail = `loose object ${first.sha} (${first.path}) ${first.problem}${others > 0 ? `, and ${others} more damaged` : ""}`;
      return refused(
        NAME,
        session.error("WFM-GIT-REPOSITORY-CORRUPT", {
          message: `git's object store in ${layout.commonDir} is damaged: ${detail}.`,
          context: { detail },
        }),
        true,
      );
    }
    const skipped =
      report.unchecked > 0
        ? `; ${report.unchecked} more were not checked (limit ${session.options.maxLooseObjects})`
        : "";
    return ok(NAME, `${report.checked} loose objects intact${skipped}`);
  },
};
