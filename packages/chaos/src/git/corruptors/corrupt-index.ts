import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { corruption, corruptorInput, type GitCorruptor, pick } from "../git-corruptor.js";

const NAME = "corrupt-index";

/** The two ways git reports a damaged index, whatever its checksum setting. */
const MODES = ["bad-signature", "truncated-header"] as const;

/**
 * Damages `.git/index`: either its "DIRC" signature is overwritten ("bad
 * signature 0x…", "index file corrupt") or the file is cut inside its header
 * ("index file smaller than expected"). Both make every command that reads
 * the index fail. (Bytes in the middle would not do: git checks the index's
 * checksum only in fsck.)
 */
export const corruptIndex: GitCorruptor = {
  name: NAME,
  description: "Overwrites the index's signature, or cuts the index inside its header.",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const indexPath = join(input.gitDir, "index");
    const before = await readFile(indexPath);
    const mode = pick(MODES, input.random, "index damage");
    const handle = await open(indexPath, "r+");
    try {
      if (mode === "bad-signature") {
        await handle.write(Buffer.from("XXXX", "latin1"), 0, 4, 0);
      } else {
        await handle.truncate(10);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    return corruption(input, {
      corruptor: NAME,
      target: indexPath,
      detail: { mode, sizeBefore: before.length },
    });
  },
};
