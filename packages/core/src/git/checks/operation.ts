import { join } from "node:path";
import type { ErrorCode } from "../../errors/catalogue.js";
import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import { statOptional } from "../read-optional.js";
import { type Check, layoutOf, listFiles, nulSeparated } from "./check.js";

const NAME = PreflightCheck.Operation;

/** The marker each half-done operation leaves in the git directory, in git's own order of precedence. */
const MARKERS: ReadonlyArray<{
  file: string;
  code: ErrorCode;
  what: string;
  unless?: string;
  when?: string;
}> = [
  { file: "rebase-merge", code: "WFM-GIT-REBASE-IN-PROGRESS", what: "a rebase" },
  { file: "rebase-apply", when: "applying", code: "WFM-GIT-AM-IN-PROGRESS", what: "git am" },
  {
    file: "rebase-apply",
    unless: "applying",
    code: "WFM-GIT-REBASE-IN-PROGRESS",
    what: "a rebase",
  },
  { file: "MERGE_HEAD", code: "WFM-GIT-MERGE-IN-PROGRESS", what: "a merge" },
  { file: "CHERRY_PICK_HEAD", code: "WFM-GIT-CHERRY-PICK-IN-PROGRESS", what: "a cherry-pick" },
  { file: "REVERT_HEAD", code: "WFM-GIT-REVERT-IN-PROGRESS", what: "a revert" },
];

/**
 * No merge, rebase, am, cherry-pick or revert is half done. Committing in
 * the middle of one would conclude it (with conflict markers, if any), so
 * it is refused with the command that finishes or abandons it; nothing is
 * aborted automatically, since that would throw a person's resolution away.
 */
export const operationCheck: Check = {
  name: NAME,
  structural: false,
  async run(context) {
    const { session } = context;
    const { gitDir } = layoutOf(context);
    for (const marker of MARKERS) {
      if ((await statOptional(session.fs, join(gitDir, marker.file))) === undefined) continue;
      if (
        marker.when !== undefined &&
        (await statOptional(session.fs, join(gitDir, marker.file, marker.when))) === undefined
      )
        continue;
      if (
        marker.unless !== undefined &&
        (await statOptional(session.fs, join(gitDir, marker.file, marker.unless))) !== undefined
      )
        continue;
      const unmerged = await session.tryRaw(["diff", "--name-only", "--diff-filter=U", "-z"]);
      const files = unmerged.ok ? nulSeparated(unmerged.stdout) : [];
      const detail = `${join(gitDir, marker.file)} exists${files.length > 0 ? `; unmerged: ${listFiles(files)}` : ""}`;
      return refused(
        NAME,
        session.error(marker.code, {
          message: `${session.dir} is in the middle of ${marker.what}: ${detail}.`,
          context: { detail, files: listFiles(files) },
        }),
      );
    }
    return ok(NAME, "no merge, rebase, am, cherry-pick or revert in progress");
  },
};
