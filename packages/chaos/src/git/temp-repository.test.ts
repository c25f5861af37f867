import { access } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTempRepository, GREETING_FILE, GREETING_LINES } from "./temp-repository.js";

describe("createTempRepository with a bare remote", () => {
  it("creates main with the requested commits, pushed to origin and tracked", async () => {
    const temp = await createTempRepository({ commits: 3 });
    try {
      expect((await temp.git(["symbolic-ref", "--short", "HEAD"])).trim()).toBe("main");
      expect((await temp.git(["rev-list", "--count", "HEAD"])).trim()).toBe("3");
      expect((await temp.git(["log", "--format=%s"])).trim().split("\n")).toEqual([
        "Change 2",
        "Change 1",
        "Initial commit",
      ]);
      expect(temp.remoteDir).toBe(join(temp.root, "remote.git"));
      const remoteMain = await temp.git(["rev-parse", "refs/heads/main"], { cwd: temp.remoteDir });
      expect(remoteMain).toBe(await temp.git(["rev-parse", "HEAD"]));
      expect((await temp.git(["rev-parse", "--abbrev-ref", "@{upstream}"])).trim()).toBe(
        "origin/main",
      );
      expect(await temp.git(["show", `HEAD:${GREETING_FILE}`])).toBe(
        `${GREETING_LINES.join("\n")}\n`,
      );
      expect(await temp.git(["status", "--porcelain"])).toBe("");
    } finally {
      await temp.cleanup();
    }
  });

  it("gives the same commit ids every time (fixed identity and dates)", async () => {
    const first = await createTempRepository({ commits: 2, bareRemote: false });
    const second = await createTempRepository({ commits: 2, bareRemote: false });
    try {
      expect(await first.git(["rev-parse", "HEAD"])).toBe(await second.git(["rev-parse", "HEAD"]));
    } finally {
      await first.cleanup();
      await second.cleanup();
    }
  });

  it("writes no identity into the repository's config", async () => {
    const temp = await createTempRepository();
    try {
      const config = await temp.git(["config", "--local", "--list"]);
      expect(config).not.toMatch(/^user\./m);
      expect(config).toMatch(/^remote\.origin\.url=/m);
    } finally {
      await temp.cleanup();
    }
  });
});

describe("createTempRepository without a remote", () => {
  it("has no remote and one commit", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    try {
      expect(temp.remoteDir).toBeUndefined();
      expect(await temp.git(["remote"])).toBe("");
      expect((await temp.git(["rev-list", "--count", "HEAD"])).trim()).toBe("1");
    } finally {
      await temp.cleanup();
    }
  });
});

describe("createTempRepository options and cleanup", () => {
  it("refuses a bad option, naming the field", async () => {
    await expect(createTempRepository({ commits: 0 })).rejects.toThrow(/commits/);
    await expect(createTempRepository({ bareRemot: true } as never)).rejects.toThrow(
      /bareRemot: is not a known field/,
    );
  });

  it("removes everything on cleanup", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    await temp.write("nested/dir/file.txt", "x");
    await temp.cleanup();
    await expect(access(temp.root)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
