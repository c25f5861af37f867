import { chmod, truncate } from "node:fs/promises";
import { corruption, corruptorInput, type GitCorruptor, pick } from "../git-corruptor.js";
import { reachableLooseObjects } from "../loose-objects.js";

const NAME = "empty-loose-object";

/**
 * A loose object emptied, as a crash between create and write leaves it on
 * filesystems with delayed allocation (git's "object file … is empty"). The
 * object is one reachable from HEAD: the commit, a tree or a blob.
 */
export const emptyLooseObject: GitCorruptor = {
  name: NAME,
  description: "Empties one loose object reachable from HEAD (zero bytes, as after a crash).",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const objects = await reachableLooseObjects(input.repoDir, input.gitDir);
    const object = pick(objects, input.random, "loose object reachable from HEAD");
    // git writes objects read-only; root ignores that, anyone else needs the bit.
    await chmod(object.path, 0o644);
    await truncate(object.path, 0);
    await chmod(object.path, 0o444);
    return corruption(input, {
      corruptor: NAME,
      target: object.path,
      detail: { object: object.sha, type: object.type, sizeBefore: object.size, sizeAfter: 0 },
    });
  },
};
