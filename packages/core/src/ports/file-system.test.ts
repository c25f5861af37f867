import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FileHandle, nodeFileSystem, writeAll } from "./file-system.js";

describe("writeAll", () => {
  it("loops on short writes until every byte is written", async () => {
    const written: number[][] = [];
    const handle: FileHandle = {
      write: async (data) => {
        const n = Math.min(3, data.length);
        written.push([...data.subarray(0, n)]);
        return { bytesWritten: n };
      },
      sync: async () => undefined,
      close: async () => undefined,
    };
    await writeAll(handle, new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
    expect(written).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it("fails instead of spinning when a write makes no progress", async () => {
    const handle: FileHandle = {
      write: async () => ({ bytesWritten: 0 }),
      sync: async () => undefined,
      close: async () => undefined,
    };
    await expect(writeAll(handle, new Uint8Array([1, 2]))).rejects.toThrow(
      "write made no progress after 0 of 2 bytes",
    );
  });
});

describe("node file system", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "wfm-fs-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes, syncs, renames and syncs the directory on the real disk", async () => {
    const temp = join(dir, "a.tmp");
    const handle = await nodeFileSystem.open(temp, "wx");
    await writeAll(handle, new TextEncoder().encode("hello"));
    await handle.sync();
    await handle.close();
    await nodeFileSystem.rename(temp, join(dir, "a.json"));
    await nodeFileSystem.syncDirectory(dir);
    expect(await readFile(join(dir, "a.json"), "utf8")).toBe("hello");
    expect(await nodeFileSystem.readdir(dir)).toEqual(["a.json"]);
  });

  it("reports free and total bytes of the filesystem holding a path", async () => {
    const stat = await nodeFileSystem.statfs(dir);
    expect(stat.totalBytes).toBeGreaterThan(0);
    expect(stat.availableBytes).toBeGreaterThan(0);
    expect(stat.availableBytes).toBeLessThanOrEqual(stat.totalBytes);
  });

  it("refuses to create over an existing file with wx", async () => {
    const path = join(dir, "once");
    await (await nodeFileSystem.open(path, "wx")).close();
    await expect(nodeFileSystem.open(path, "wx")).rejects.toMatchObject({ code: "EEXIST" });
  });
});
