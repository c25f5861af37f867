import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { corruption, corruptorInput, type GitCorruptor, hexFrom } from "../git-corruptor.js";
import { git, runGit } from "../run-git.js";

const NAME = "ref-to-missing-object";

/**
 * The checked-out branch's ref pointed at an object id that is not in the
 * repository, as a ref written before its objects were synced leaves it
 * after a crash. The reflog is left alone, so it still names the last good
 * commit. git then fails with "bad object HEAD".
 */
export const refToMissingObject: GitCorruptor = {
  name: NAME,
  description: "Points the checked-out branch at an object id that does not exist.",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const symbolic = await runGit(["symbolic-ref", "-q", "HEAD"], { cwd: input.repoDir });
    const ref = symbolic.exitCode === 0 ? symbolic.stdout.trim() : "HEAD";
    const format = (
      await git(["rev-parse", "--show-object-format"], { cwd: input.repoDir })
    ).trim();
    const before = (await git(["rev-parse", "--verify", ref], { cwd: input.repoDir })).trim();
    const drawn = hexFrom(input.random, format === "sha256" ? 64 : 40);
    const missing = await firstMissing(input.repoDir, drawn);
    // Written as a loose ref file, which wins over packed-refs; update-ref would refuse.
    const refPath = join(input.gitDir, ref);
    await mkdir(dirname(refPath), { recursive: true });
    await writeFile(refPath, `${missing}\n`);
    return corruption(input, {
      corruptor: NAME,
      target: ref,
      detail: { ref, before, missing },
    });
  },
};

/** `drawn`, or a variant of it, that names no object in the repository. */
async function firstMissing(repoDir: string, drawn: string): Promise<string> {
  // Vanishingly unlikely to loop, but a "missing" object that exists would be no fault at all.
  for (const first of "0123456789abcdef") {
    const candidate = `${first}${drawn.slice(1)}`;
    const found = await runGit(["cat-file", "-e", candidate], { cwd: repoDir });
    if (found.exitCode !== 0) return candidate;
  }
  throw new Error(
    `Every variant of ${drawn} names an object in ${repoDir}; cannot point a ref at a missing one.`,
  );
}
