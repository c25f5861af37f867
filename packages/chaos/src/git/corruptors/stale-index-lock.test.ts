import { stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../clock/virtual-clock.js";
import { createFaultJournal } from "../../journal/fault-journal.js";
import { runGit } from "../run-git.js";
import { createTempRepository } from "../temp-repository.js";
import { STALE_INDEX_LOCK_AGE_MS, staleIndexLock } from "./stale-index-lock.js";

describe("staleIndexLock", () => {
  it("leaves an hour-old torn index.lock that stops every index write, and journals it", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      const journal = createFaultJournal(createVirtualClock());
      const lockPath = join(temp.dir, ".git", "index.lock");
      const applied = await staleIndexLock.apply(temp.dir, { journal });
      expect(applied).toMatchObject({
        corruptor: "stale-index-lock",
        target: lockPath,
        enforced: true,
      });
      const [lock, index] = await Promise.all([
        stat(lockPath),
        stat(join(temp.dir, ".git", "index")),
      ]);
      expect(index.mtimeMs - lock.mtimeMs).toBeCloseTo(STALE_INDEX_LOCK_AGE_MS, -3);
      expect(lock.size).toBe(Math.floor(index.size / 2));
      await temp.write("x.txt", "x\n");
      const add = await runGit(["add", "x.txt"], { cwd: temp.dir });
      expect(add.exitCode).toBe(128);
      expect(add.stderr).toContain(`Unable to create '${lockPath}': File exists.`);
      expect(journal.entries()).toEqual([
        expect.objectContaining({
          layer: "git",
          fault: "stale-index-lock",
          target: lockPath,
          outcome: "applied",
        }),
      ]);
    } finally {
      await temp.cleanup();
    }
  });

  it("never overwrites a lock that is already there", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      await staleIndexLock.apply(temp.dir);
      await expect(staleIndexLock.apply(temp.dir)).rejects.toMatchObject({ code: "EEXIST" });
    } finally {
      await temp.cleanup();
    }
  });
});
