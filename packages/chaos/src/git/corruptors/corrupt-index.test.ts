import { describe, expect, it } from "vitest";
import { runGit } from "../run-git.js";
import { createTempRepository } from "../temp-repository.js";
import { corruptIndex } from "./corrupt-index.js";

describe("corruptIndex", () => {
  it("overwrites the signature by default: git says bad signature, index file corrupt", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      const applied = await corruptIndex.apply(temp.dir);
      expect(applied.detail.mode).toBe("bad-signature");
      const status = await runGit(["status"], { cwd: temp.dir });
      expect(status.exitCode).toBe(128);
      expect(status.stderr).toBe("error: bad signature 0x58585858\nfatal: index file corrupt\n");
    } finally {
      await temp.cleanup();
    }
  });

  it("cuts the header when the random source picks it: index file smaller than expected", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      const applied = await corruptIndex.apply(temp.dir, { random: { next: () => 0.9 } });
      expect(applied.detail.mode).toBe("truncated-header");
      const status = await runGit(["status"], { cwd: temp.dir });
      expect(status.exitCode).toBe(128);
      expect(status.stderr).toBe("fatal: .git/index: index file smaller than expected\n");
    } finally {
      await temp.cleanup();
    }
  });
});
