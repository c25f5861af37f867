import { chmod, truncate } from "node:fs/promises";
import { corruption, corruptorInput, type GitCorruptor, pick } from "../git-corruptor.js";
import { reachableLooseObjects } from "../loose-objects.js";

const NAME = "truncated-loose-object";

/**
 * A loose object cut to half its length, as a torn write leaves it: the zlib
 * stream ends early ("loose object … is corrupt"). The object is one
 * reachable from HEAD.
 */
export const truncatedLooseObject: GitCorruptor = {
  name: NAME,
  description: "Cuts one loose object reachable from HEAD to half its length (a torn write).",
  async apply(repoDir, options) {
    const input = await corruptorInput(NAME, repoDir, options);
    const objects = (await reachableLooseObjects(input.repoDir, input.gitDir)).filter(
      (object) => object.size >= 2,
    );
    const object = pick(objects, input.random, "loose object reachable from HEAD");
    const length = Math.floor(object.size / 2);
    await chmod(object.path, 0o644);
    await truncate(object.path, length);
    await chmod(object.path, 0o444);
    return corruption(input, {
      corruptor: NAME,
      target: object.path,
      detail: {
        object: object.sha,
        type: object.type,
        sizeBefore: object.size,
        sizeAfter: length,
      },
    });
  },
};
