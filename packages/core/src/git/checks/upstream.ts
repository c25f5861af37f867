import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import type { Check } from "./check.js";

const NAME = PreflightCheck.Upstream;

/**
 * `%(upstream:track,nobracket)`: "" when level, "ahead N", "behind M",
 * "ahead N, behind M" (full counts), or "gone" (git's words under LC_ALL=C,
 * which the session sets).
 */
const TRACK = /^(?:ahead (\d+)(?:, behind (\d+))?|behind (\d+))?$/;

/**
 * The branch has not diverged from its upstream (as the last fetch saw it;
 * nothing is fetched here). Behind only is fine: the run's branch starts
 * from what is checked out. One `for-each-ref` gives the upstream's name
 * and both counts; a configured upstream whose remote-tracking ref is gone
 * is no upstream to compare with.
 */
export const upstreamCheck: Check = {
  name: NAME,
  structural: false,
  async run({ session, state }) {
    const { branch, ref } = state;
    if (branch === undefined || ref === undefined)
      return ok(NAME, "no branch is checked out, so no upstream to compare");
    // Only branches have upstreams (HEAD may name another ref under refs/).
    if (!ref.startsWith("refs/heads/")) return ok(NAME, `${branch} has no upstream`);
    const listed = await session.read([
      "for-each-ref",
      "--format=%(refname)%00%(upstream:short)%00%(upstream:track,nobracket)",
      ref,
    ]);
    // The pattern also matches refs below it: take this ref's own line.
    const fields = listed
      .split("\n")
      .map((line) => line.split("\0"))
      .find(([name]) => name === ref);
    if (fields === undefined)
      return ok(NAME, `${branch} has no commits yet, so it has not diverged from an upstream`);
    const [, name = "", track = ""] = fields;
    if (name === "" || track === "gone") return ok(NAME, `${branch} has no upstream`);
    const counts = TRACK.exec(track);
    if (counts === null)
      throw new Error(`git for-each-ref described ${ref}'s upstream as "${track}", not as counts.`);
    const ahead = Number(counts[1] ?? 0);
    const behind = Number(counts[2] ?? counts[3] ?? 0);
    if (ahead > 0 && behind > 0) {
      return refused(
        NAME,
        session.error("WFM-GIT-DIVERGED", {
          message: `${branch} and ${name} have diverged: ${ahead} commits only on ${branch}, ${behind} only on ${name}.`,
          context: { branch, upstream: name, ahead, behind },
        }),
      );
    }
    const position =
      behind > 0
        ? `${behind} commits behind`
        : ahead > 0
          ? `${ahead} commits ahead of`
          : "level with";
    return ok(NAME, `${branch} is ${position} ${name}`);
  },
};
