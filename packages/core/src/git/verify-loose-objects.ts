import { createHash } from "node:crypto";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
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
  const problems: LooseObjectProblem[] = [];
  let checked = 0;
  let unchecked = 0;
  for (const prefix of await fanOutDirectories(fs, objectsDir)) {
    const dir = join(objectsDir, prefix);
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (error) {
      // Removed since the listing (git gc prunes emptied fan-out directories), or never there.
      if (hasErrno(error, "ENOENT")) continue;
      throw error;
    }
    for (const name of names.sort()) {
      if (name.length !== nameLength || !/^[0-9a-f]+$/.test(name)) continue;
      if (checked >= limit) {
        unchecked += 1;
        continue;
      }
      checked += 1;
      const sha = `${prefix}${name}`;
      const path = join(dir, name);
      const problem = await objectProblem(fs, path, sha, hash);
      if (problem !== undefined) problems.push({ sha, path, problem });
    }
  }
  return { checked, unchecked, problems };
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
