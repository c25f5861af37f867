import { createHash } from "node:crypto";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import pMap from "p-map";
import type { FileSystem } from "../ports/file-system.js";
import { hasErrno } from "../state/has-errno.js";

export interface LooseObjectProblem {
  readonly sha: string;
  readonly path: string;
  /** What is wrong, as a phrase: "is empty", "cannot be decompressed (…)". */
  readonly problem: string;
}

export interface LooseObjectReport {
  readonly checked: number;
  /** Loose objects past the limit, not checked. */
  readonly unchecked: number;
  readonly problems: readonly LooseObjectProblem[];
}

/** Larger loose objects are not read into memory; git packs big files anyway. */
const MAX_OBJECT_BYTES = 64 * 1024 * 1024;
const TYPES = new Set(["commit", "tree", "blob", "tag"]);
/**
 * Directories listed, or objects read, at once: each read waits on the
 * disk, so several overlap; a handful bounds the memory (an object is read
 * whole, up to MAX_OBJECT_BYTES).
 */
const AT_ONCE = 4;
/** Every fan-out directory git may create, 00 … ff. */
const ALL_FAN_OUT = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * Checks every loose object the way git reads it: the file decompresses
 * whole (zlib), its header `<type> <size>\0` names a known type and the
 * right length, and the content hashes to the object's name. This finds an
 * empty or torn object before a commit or push trips over it, without
 * `git fsck`'s walk over the whole history; packed objects are covered by
 * their pack's own checksum when git reads them.
 */
export async function verifyLooseObjects(
  fs: FileSystem,
  objectsDir: string,
  objectFormat: string,
  limit: number,
): Promise<LooseObjectReport> {
  const hash = objectFormat === "sha256" ? "sha256" : "sha1";
  const nameLength = objectFormat === "sha256" ? 62 : 38;
  const prefixes = await fanOutDirectories(fs, objectsDir);
  const listed = await pMap(
    prefixes,
    (prefix) => looseObjectsIn(fs, objectsDir, prefix, nameLength),
    {
      concurrency: AT_ONCE,
    },
  );
  const objects = listed.flat();
  const checked = objects.slice(0, limit);
  const found = await pMap(checked, ({ sha, path }) => objectProblem(fs, path, sha, hash), {
    concurrency: AT_ONCE,
  });
  const problems = checked.flatMap((object, index) => {
    const problem = found[index];
    return problem === undefined ? [] : [{ ...object, problem }];
  });
  return { checked: checked.length, unchecked: objects.length - checked.length, problems };
}

/** The loose objects in one fan-out directory, by name; none if it has gone. */
async function looseObjectsIn(
  fs: FileSystem,
  objectsDir: string,
  prefix: string,
  nameLength: number,
): Promise<Array<{ sha: string; path: string }>> {
  const dir = join(objectsDir, prefix);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    // Removed since the listing (git gc prunes emptied fan-out directories), or never there.
    if (hasErrno(error, "ENOENT")) return [];
    throw error;
  }
  return names
    .filter((name) => name.length === nameLength && /^[0-9a-f]+$/.test(name))
    .sort()
    .map((name) => ({ sha: `${prefix}${name}`, path: join(dir, name) }));
}

/**
 * The two-hex-digit fan-out directories that exist, in ascending order
 * (00 … ff, as git names them): one listing of the objects directory
 * instead of 256 lookups, most of which miss in a small repository.
 */
async function fanOutDirectories(fs: FileSystem, objectsDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(objectsDir);
  } catch (error) {
    // No objects directory: no loose objects (git itself refuses such a repository earlier).
    if (hasErrno(error, "ENOENT")) return [];
    // Searchable but not listable (mode --x): git reads objects by path, so look each one up.
    if (hasErrno(error, "EACCES")) return ALL_FAN_OUT;
    throw error;
  }
  return names.filter((name) => /^[0-9a-f]{2}$/.test(name)).sort();
}

async function objectProblem(
  fs: FileSystem,
  path: string,
  sha: string,
  hash: string,
): Promise<string | undefined> {
  const stat = await fs.stat(path);
  if (stat.size === 0) return "is empty";
  if (stat.size > MAX_OBJECT_BYTES) return undefined;
  const bytes = await fs.readFile(path);
  let inflated: Buffer;
  try {
    inflated = inflateSync(bytes);
  } catch (error) {
    return `cannot be decompressed (${error instanceof Error ? error.message : String(error)}; ${bytes.length} bytes on disk)`;
  }
  const nul = inflated.indexOf(0);
  const header = nul === -1 ? "" : inflated.subarray(0, nul).toString("latin1");
  const match = /^([a-z]+) (\d+)$/.exec(header);
  if (match === null || !TYPES.has(match[1] ?? "")) return "has no valid object header";
  const declared = Number(match[2]);
  const actual = inflated.length - nul - 1;
  if (declared !== actual) return `says it holds ${declared} bytes but holds ${actual}`;
  const digest = createHash(hash).update(inflated).digest("hex");
  if (digest !== sha) return `hashes to ${digest}, not to its name`;
  return undefined;
}
