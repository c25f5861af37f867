import { describe, expect, it } from "vitest";
import { GIT_CORRUPTORS } from "./git-corruptors.js";
import { createTempRepository } from "./temp-repository.js";

describe("GIT_CORRUPTORS", () => {
  it("lists every corruptor once, each with a description", () => {
    expect(GIT_CORRUPTORS.map((corruptor) => corruptor.name)).toEqual([
      "stale-index-lock",
      "empty-loose-object",
      "truncated-loose-object",
      "corrupt-index",
      "garbage-head",
      "ref-to-missing-object",
      "detached-head",
      "merge-in-progress",
      "remote-moved-on",
      "conflicting-remote-change",
      "missing-remote",
      "unwritable-objects",
    ]);
    for (const corruptor of GIT_CORRUPTORS)
      expect(corruptor.description.length).toBeGreaterThan(20);
  });

  it("refuses bad options and a directory without .git, naming the problem", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      for (const corruptor of GIT_CORRUPTORS) {
        await expect(corruptor.apply(temp.dir, { random: {} } as never)).rejects.toThrow(
          new RegExp(`Invalid ${corruptor.name} options: random: must be a Random with next\\(\\)`),
        );
        await expect(corruptor.apply(temp.root)).rejects.toThrow(
          /has no \.git directory to damage/,
        );
      }
    } finally {
      await temp.cleanup();
    }
  });
});
