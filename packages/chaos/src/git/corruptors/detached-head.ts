import { join } from "node:path";
import { corruption, corruptorInput, type GitCorruptor } from "../git-corruptor.js";
import { git } from "../run-git.js";

const NAME = "detached-head";

/**
 * HEAD detached at the commit it was on (`git switch --detach`), as a person
 * inspecting a commit or a tool checking one out leaves it. The working tree
 * and its uncommitted changes stay as they are.
 */
export const detachedHead: GitCorruptor = {
  name: NAME,
  description: "Detaches HEAD at its current commit; uncommitted changes stay.",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const branch = (await git(["symbolic-ref", "--short", "HEAD"], { cwd: input.repoDir })).trim();
    const sha = (await git(["rev-parse", "HEAD"], { cwd: input.repoDir })).trim();
    await git(["switch", "--quiet", "--detach", sha], { cwd: input.repoDir });
    return corruption(input, {
      corruptor: NAME,
      target: join(input.gitDir, "HEAD"),
      detail: { branch, sha },
    });
  },
};
