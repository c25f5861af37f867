import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { corruption, corruptorInput, type GitCorruptor, hexFrom } from "../git-corruptor.js";
import { pushFromOtherClone } from "../other-clone.js";
import { git } from "../run-git.js";

const NAME = "remote-moved-on";

/**
 * Someone else pushed to the same branch on the remote first: another clone
 * adds a commit with a new file (no overlap with local work) and pushes it.
 * The repository's next push of that branch is rejected as non-fast-forward
 * ("fetch first") until it rebases onto the remote.
 */
export const remoteMovedOn: GitCorruptor = {
  name: NAME,
  description: "Another clone pushes a non-conflicting commit to the same branch on the remote.",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const token = hexFrom(input.random, 8);
    const file = `remote-change-${token}.txt`;
    const { clone, pushed } = await pushFromOtherClone(input.repoDir, async ({ dir }) => {
      await writeFile(join(dir, file), `A change pushed by someone else (${token}).\n`);
      await git(["add", "--", file], { cwd: dir });
      await git(["commit", "--quiet", "-m", `Someone else's change (${token})`], { cwd: dir });
    });
    return corruption(input, {
      corruptor: NAME,
      target: `origin/${clone.branch}`,
      detail: { branch: clone.branch, file, pushed, branchExisted: clone.branchExisted },
    });
  },
};
