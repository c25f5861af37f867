import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { type FileSystem, nodeFileSystem } from "../ports/file-system.js";
import { verifyLooseObjects } from "./verify-loose-objects.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function objectsDirectory(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "wfm-loose-objects-"));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, "objects");
  await mkdir(join(dir, "info"), { recursive: true });
  await mkdir(join(dir, "pack"));
  return dir;
}

/** Writes a loose blob as git does; returns its name and path. */
async function writeBlob(
  objectsDir: string,
  content: string,
  hash: "sha1" | "sha256" = "sha1",
): Promise<{ sha: string; path: string }> {
  const body = Buffer.from(content);
  const raw = Buffer.concat([Buffer.from(`blob ${body.length}\0`), body]);
  const sha = createHash(hash).update(raw).digest("hex");
  const dir = join(objectsDir, sha.slice(0, 2));
  await mkdir(dir, { recursive: true });
  const path = join(dir, sha.slice(2));
  await writeFile(path, deflateSync(raw));
  return { sha, path };
}

/** Blobs whose names start with distinct fan-out prefixes, sorted by name. */
async function blobsInDistinctDirectories(
  objectsDir: string,
  count: number,
): Promise<Array<{ sha: string; path: string }>> {
  const byPrefix = new Map<string, { sha: string; path: string }>();
  for (let n = 0; byPrefix.size < count; n += 1) {
    const content = `blob number ${n}\n`;
    const body = Buffer.from(content);
    const raw = Buffer.concat([Buffer.from(`blob ${body.length}\0`), body]);
    const prefix = createHash("sha1").update(raw).digest("hex").slice(0, 2);
    if (byPrefix.has(prefix)) continue;
    byPrefix.set(prefix, await writeBlob(objectsDir, content));
  }
  return [...byPrefix.values()].sort((a, b) => a.sha.localeCompare(b.sha));
}

/** The real disk, counting the directories listed. */
function countingFileSystem(): { fs: FileSystem; listed: string[] } {
  const listed: string[] = [];
  return {
    listed,
    fs: {
      ...nodeFileSystem,
      readdir: (path) => {
        listed.push(path);
        return nodeFileSystem.readdir(path);
      },
    },
  };
}

describe("verifyLooseObjects on whole objects", () => {
  it("checks every loose object and lists only the objects directory and the fan-out directories that exist", async () => {
    const dir = await objectsDirectory();
    const blobs = await blobsInDistinctDirectories(dir, 3);
    await writeFile(join(dir, "info", "packs"), "");
    const { fs, listed } = countingFileSystem();
    const report = await verifyLooseObjects(fs, dir, "sha1", 100);
    expect(report).toEqual({ checked: 3, unchecked: 0, problems: [] });
    expect(listed).toEqual([dir, ...blobs.map((blob) => join(dir, blob.sha.slice(0, 2)))]);
  });

  it("reads four objects at once, and reports in name order all the same", async () => {
    const dir = await objectsDirectory();
    const blobs = await blobsInDistinctDirectories(dir, 10);
    // Object 2 is damaged (empty); each read takes 20 ms, so reads that may overlap do.
    await writeFile(blobs[2]?.path ?? "", "");
    let reading = 0;
    let mostAtOnce = 0;
    const fs: FileSystem = {
      ...nodeFileSystem,
      readFile: async (path) => {
        reading += 1;
        mostAtOnce = Math.max(mostAtOnce, reading);
        await new Promise((resolve) => setTimeout(resolve, 20));
        reading -= 1;
        return nodeFileSystem.readFile(path);
      },
    };
    const report = await verifyLooseObjects(fs, dir, "sha1", 100);
    expect(mostAtOnce).toBe(4);
    expect(report).toEqual({
      checked: 10,
      unchecked: 0,
      problems: [{ sha: blobs[2]?.sha, path: blobs[2]?.path, problem: "is empty" }],
    });
  });

  it("checks sha256 objects by their 62-character names", async () => {
    const dir = await objectsDirectory();
    await writeBlob(dir, "one\n", "sha256");
    await writeBlob(dir, "two\n", "sha256");
    await writeBlob(dir, "a sha1 object, ignored here\n", "sha1");
    expect(await verifyLooseObjects(nodeFileSystem, dir, "sha256", 100)).toEqual({
      checked: 2,
      unchecked: 0,
      problems: [],
    });
  });

  it("reports nothing checked when the objects directory does not exist", async () => {
    const dir = await objectsDirectory();
    expect(await verifyLooseObjects(nodeFileSystem, join(dir, "missing"), "sha1", 100)).toEqual({
      checked: 0,
      unchecked: 0,
      problems: [],
    });
  });
});

describe("verifyLooseObjects on damaged objects", () => {
  it("reports each damaged object in name order, across fan-out directories", async () => {
    const dir = await objectsDirectory();
    const [first, second, third] = await blobsInDistinctDirectories(dir, 3);
    if (first === undefined || second === undefined || third === undefined)
      throw new Error("expected three blobs");
    await writeFile(third.path, "");
    await writeFile(first.path, Buffer.from("not zlib at all"));
    const report = await verifyLooseObjects(nodeFileSystem, dir, "sha1", 100);
    expect(report.checked).toBe(3);
    expect(report.unchecked).toBe(0);
    expect(report.problems.map(({ sha, path }) => ({ sha, path }))).toEqual([
      { sha: first.sha, path: first.path },
      { sha: third.sha, path: third.path },
    ]);
    expect(report.problems[0]?.problem).toMatch(
      /^cannot be decompressed \(.*; 15 bytes on disk\)$/,
    );
    expect(report.problems[1]?.problem).toBe("is empty");
  });

  it("reports an object whose content does not hash to its name", async () => {
    const dir = await objectsDirectory();
    const blob = await writeBlob(dir, "original\n");
    const raw = Buffer.from("blob 9\0replaced\n");
    await writeFile(blob.path, deflateSync(raw));
    const digest = createHash("sha1").update(raw).digest("hex");
    expect(await verifyLooseObjects(nodeFileSystem, dir, "sha1", 100)).toEqual({
      checked: 1,
      unchecked: 0,
      problems: [
        { sha: blob.sha, path: blob.path, problem: `hashes to ${digest}, not to its name` },
      ],
    });
  });
});

describe("verifyLooseObjects on what is not a loose object", () => {
  it("ignores entries that are not two lowercase hex digits and files without an object's name", async () => {
    const dir = await objectsDirectory();
    await writeBlob(dir, "kept\n");
    for (const name of ["AB", "0g", "abc", "tmp"]) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, "0".repeat(38)), "");
    }
    await mkdir(join(dir, "00"), { recursive: true });
    await writeFile(join(dir, "00", "tmp_obj_abc"), "");
    await writeFile(join(dir, "00", "0".repeat(37)), "");
    expect(await verifyLooseObjects(nodeFileSystem, dir, "sha1", 100)).toEqual({
      checked: 1,
      unchecked: 0,
      problems: [],
    });
  });

  it("throws when a fan-out name is a file, not a directory", async () => {
    const dir = await objectsDirectory();
    await writeFile(join(dir, "7f"), "");
    await expect(verifyLooseObjects(nodeFileSystem, dir, "sha1", 100)).rejects.toMatchObject({
      code: "ENOTDIR",
    });
  });
});

describe("verifyLooseObjects past its limit", () => {
  it("counts the objects past the limit as unchecked, in name order across directories", async () => {
    const dir = await objectsDirectory();
    const blobs = await blobsInDistinctDirectories(dir, 4);
    const last = blobs[3];
    if (last === undefined) throw new Error("expected four blobs");
    // Damage past the limit is not seen: the limit is what it costs, not what it proves.
    await writeFile(last.path, "");
    expect(await verifyLooseObjects(nodeFileSystem, dir, "sha1", 3)).toEqual({
      checked: 3,
      unchecked: 1,
      problems: [],
    });
  });
});

describe("verifyLooseObjects on an objects directory it may not list", () => {
  it("looks up each of the 256 fan-out directories by name, as git reads objects, and gives the same report", async () => {
    const dir = await objectsDirectory();
    const [damaged] = await blobsInDistinctDirectories(dir, 2);
    if (damaged === undefined) throw new Error("expected two blobs");
    await writeFile(damaged.path, "");
    const listed: string[] = [];
    const unlistable: FileSystem = {
      ...nodeFileSystem,
      readdir: (path) => {
        listed.push(path);
        if (path === dir)
          return Promise.reject(
            Object.assign(new Error(`EACCES: permission denied, scandir '${path}'`), {
              code: "EACCES",
            }),
          );
        return nodeFileSystem.readdir(path);
      },
    };
    expect(await verifyLooseObjects(unlistable, dir, "sha1", 100)).toEqual({
      checked: 2,
      unchecked: 0,
      problems: [{ sha: damaged.sha, path: damaged.path, problem: "is empty" }],
    });
    expect(listed).toHaveLength(257);
    expect(listed[1]).toBe(join(dir, "00"));
    expect(listed[256]).toBe(join(dir, "ff"));
  });
});
