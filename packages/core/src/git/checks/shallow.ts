import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import type { Check } from "./check.js";

const NAME = PreflightCheck.Shallow;

/** The clone has its whole history (`git rev-parse --is-shallow-repository`). */
export const shallowCheck: Check = {
  name: NAME,
  structural: false,
  async run({ session }) {
    const shallow = (await session.raw(["rev-parse", "--is-shallow-repository"])).trim();
    if (shallow !== "true") return ok(NAME, "the clone has its whole history");
    return refused(
      NAME,
      session.error("WFM-GIT-SHALLOW", {
        message: `${session.dir} is a shallow clone: its history is cut short.`,
      }),
    );
  },
};
