import { corruption, corruptorInput, type GitCorruptor } from "../git-corruptor.js";
import { git } from "../run-git.js";

const NAME = "missing-remote";

/** The `origin` remote removed (`git remote remove origin`), with its tracking refs. */
export const missingRemote: GitCorruptor = {
  name: NAME,
  description: "Removes the origin remote from the repository's configuration.",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const url = (await git(["remote", "get-url", "origin"], { cwd: input.repoDir })).trim();
    await git(["remote", "remove", "origin"], { cwd: input.repoDir });
    return corruption(input, {
      corruptor: NAME,
      target: "origin",
      detail: { remote: "origin", url },
    });
  },
};
