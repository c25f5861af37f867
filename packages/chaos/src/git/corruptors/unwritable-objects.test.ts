import { describe, expect, it } from "vitest";
import { runGit } from "../run-git.js";
import { createTempRepository } from "../temp-repository.js";
import { UnwritableMechanism, unwritableObjects } from "./unwritable-objects.js";

describe("unwritableObjects", () => {
  it("stops git storing objects by a mechanism that binds this user, and restore undoes it", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      const applied = await unwritableObjects.apply(temp.dir);
      try {
        // As root a read-only bind mount (or chattr +i) is needed; chmod binds anyone else.
        const expected =
          process.getuid?.() === 0
            ? [
                UnwritableMechanism.ReadOnlyBindMount,
                UnwritableMechanism.Immutable,
                UnwritableMechanism.None,
              ]
            : [UnwritableMechanism.Chmod];
        expect(expected).toContain(applied.detail.mechanism);
        // The machines this project runs on allow a bind mount as root: the fault must be in force.
        expect(applied.enforced).toBe(true);
        const write = await runGit(["hash-object", "-w", "--stdin"], {
          cwd: temp.dir,
          input: "new object\n",
        });
        expect(write.exitCode).toBe(128);
        expect(write.stderr).toMatch(
          /unable to create temporary file: (Read-only file system|Operation not permitted|Permission denied)/,
        );
      } finally {
        await applied.restore();
      }
      const after = await runGit(["hash-object", "-w", "--stdin"], {
        cwd: temp.dir,
        input: "new object\n",
      });
      expect(after.exitCode).toBe(0);
      await applied.restore();
    } finally {
      await temp.cleanup();
    }
  });
});
