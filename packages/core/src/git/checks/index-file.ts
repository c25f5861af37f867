import { join } from "node:path";
import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import { type Check, layoutOf } from "./check.js";

const NAME = PreflightCheck.Index;

/** git's words for an index it cannot parse (2.x). */
const CORRUPT_INDEX =
  /index file smaller than expected|bad signature 0x|index file corrupt|bad index (?:file|version)|unknown index entry format|index uses \S+ extension, which we do not understand/i;

/**
 * The index can be read (`git ls-files --stage` reads nothing else). A
 * damaged index is refused with the command that moves it aside and rebuilds
 * it from HEAD: the working tree is not touched by that, only what was
 * staged becomes unstaged.
 */
export const indexCheck: Check = {
  name: NAME,
  structural: true,
  async run(context) {
    const { session } = context;
    const read = await session.tryRead(["ls-files", "--stage", "-z"]);
    if (read.ok)
      return ok(NAME, `the index lists ${read.stdout.split("\0").filter(Boolean).length} entries`);
    const path = join(layoutOf(context).gitDir, "index");
    if (CORRUPT_INDEX.test(read.message)) {
      const detail = read.message
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean)
        .join("; ");
      return refused(
        NAME,
        session.error("WFM-GIT-INDEX-CORRUPT", {
          message: `git cannot read the index ${path}: ${detail}.`,
          context: { path, detail },
          cause: read.error,
        }),
        true,
      );
    }
    return refused(NAME, session.classify(read.error), true);
  },
};
