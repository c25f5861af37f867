import { join } from "node:path";
import { hasErrno } from "../../state/has-errno.js";
import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import { readOptional } from "../read-optional.js";
import { guessCheckedOutBranch } from "../reflog.js";
import type { Check } from "./check.js";

const NAME = PreflightCheck.Repository;
/** What git accepts in HEAD: a symbolic ref, or an object id. */
const VALID_HEAD = /^(?:ref: refs\/\S+|[0-9a-f]{40}|[0-9a-f]{64})\s*$/;

/**
 * git sees a repository at the directory. When it does not, but `.git/HEAD`
 * exists and holds garbage, that is the cause (git then says only "not a git
 * repository"): the refusal names the file and the command that repairs it.
 */
export const repositoryCheck: Check = {
  name: NAME,
  structural: true,
  async run({ session, state }) {
    const dir = session.dir;
    let isDirectory: boolean;
    try {
      isDirectory = (await session.fs.stat(dir)).isDirectory();
    } catch (error) {
      if (!hasErrno(error, "ENOENT")) throw error;
      isDirectory = false;
    }
    if (!isDirectory) {
      return refused(
        NAME,
        session.error("WFM-GIT-NOT-A-REPOSITORY", {
          message: `${dir} does not exist or is not a directory, so it cannot be a git repository.`,
        }),
        true,
      );
    }
    try {
      // HEAD asked in the same process for the head check, which would ask it next.
      const { layout, head } = await session.readLayoutAndHead();
      state.layout = layout;
      state.head = head;
    } catch (error) {
      const headPath = join(dir, ".git", "HEAD");
      const head = await readOptional(session.fs, headPath);
      if (head !== undefined) {
        const text = Buffer.from(head).toString("latin1");
        if (!VALID_HEAD.test(text)) {
          const branch = await guessCheckedOutBranch(session.fs, join(dir, ".git"));
          const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
          return refused(
            NAME,
            session.error("WFM-GIT-HEAD-INVALID", {
              message: `${headPath} holds ${shown}, which is neither a branch nor a commit, so git does not recognise ${dir} as a repository.`,
              context: { path: headPath, detail: shown, branch },
              cause: error,
            }),
            true,
          );
        }
      }
      return refused(NAME, session.classify(error), true);
    }
    const { workTree } = state.layout;
    return ok(NAME, `git repository with its working tree at ${workTree}`);
  },
};
