import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { corruption, corruptorInput, type GitCorruptor, hexFrom } from "../git-corruptor.js";

const NAME = "garbage-head";

/**
 * `.git/HEAD` overwritten with bytes that are neither `ref: …` nor an object
 * id, as a torn write can leave it. git then no longer recognises the
 * directory as a repository at all ("not a git repository").
 */
export const garbageHead: GitCorruptor = {
  name: NAME,
  description: "Overwrites .git/HEAD with garbage, so git no longer sees a repository.",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const headPath = join(input.gitDir, "HEAD");
    const before = (await readFile(headPath, "utf8")).trim();
    const garbage = `\u0000garbage-${hexFrom(input.random, 8)}\u00ff\n`;
    await writeFile(headPath, garbage, "latin1");
    return corruption(input, {
      corruptor: NAME,
      target: headPath,
      detail: { before, after: garbage },
    });
  },
};
