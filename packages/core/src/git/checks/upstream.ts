import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import type { Check } from "./check.js";

const NAME = PreflightCheck.Upstream;

/**
 * The branch has not diverged from its upstream (as the last fetch saw it;
 * nothing is fetched here). Behind only is fine: the run's branch starts
 * from what is checked out.
 */
export const upstreamCheck: Check = {
  name: NAME,
  structural: false,
  async run({ session, state }) {
    if (state.branch === undefined)
      return ok(NAME, "no branch is checked out, so no upstream to compare");
    const upstream = await session.tryRaw([
      "rev-parse",
      "--abbrev-ref",
      "--symbolic-full-name",
      "@{upstream}",
    ]);
    if (!upstream.ok) return ok(NAME, `${state.branch} has no upstream`);
    const name = upstream.stdout.trim();
    const counts = (
      await session.raw(["rev-list", "--left-right", "--count", "HEAD...@{upstream}"])
    ).trim();
    const [ahead = 0, behind = 0] = counts.split(/\s+/).map(Number);
    if (ahead > 0 && behind > 0) {
      return refused(
        NAME,
        session.error("WFM-GIT-DIVERGED", {
          message: `${state.branch} and ${name} have diverged: ${ahead} commits only on ${state.branch}, ${behind} only on ${name}.`,
          context: { branch: state.branch, upstream: name, ahead, behind },
        }),
      );
    }
    const position =
      behind > 0
        ? `${behind} commits behind`
        : ahead > 0
          ? `${ahead} commits ahead of`
          : "level with";
    return ok(NAME, `${state.branch} is ${position} ${name}`);
  },
};
