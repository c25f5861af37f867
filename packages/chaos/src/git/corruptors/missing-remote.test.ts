import { describe, expect, it } from "vitest";
import { createTempRepository } from "../temp-repository.js";
import { missingRemote } from "./missing-remote.js";

describe("missingRemote", () => {
  it("removes origin and reports its URL", async () => {
    const temp = await createTempRepository();
    try {
      const applied = await missingRemote.apply(temp.dir);
      expect(applied.detail).toEqual({ remote: "origin", url: temp.remoteDir });
      expect(await temp.git(["remote"])).toBe("");
    } finally {
      await temp.cleanup();
    }
  });
});
