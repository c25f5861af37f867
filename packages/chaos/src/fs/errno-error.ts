import { getSystemErrorMap } from "node:util";

/** Linux errno numbers of the codes the fault filesystem raises (Node reports them negated). */
const ERRNO: Readonly<Record<string, number>> = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  EBADF: 9,
  EACCES: 13,
  EEXIST: 17,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EMFILE: 24,
  ENOSPC: 28,
  EROFS: 30,
  ENOTEMPTY: 39,
  EDQUOT: 122,
};

// Node 20's libuv has no name for EDQUOT (a real one surfaces as code
// "UNKNOWN"); the fault filesystem names it, with glibc's wording lower-cased.
const FALLBACK_DESCRIPTION: Readonly<Record<string, string>> = {
  EDQUOT: "disk quota exceeded",
};

/** A `NodeJS.ErrnoException` exactly as Node's fs raises it. */
export interface ErrnoError extends Error {
  errno: number;
  code: string;
  syscall: string;
  path?: string;
  dest?: string;
}

/**
 * Builds the error Node's fs would throw: a plain `Error` whose message is
 * `CODE: description, syscall 'path' -> 'dest'` and whose own properties are
 * `errno` (negative), `code`, `syscall`, then `path` and `dest` when the
 * call had them (fd calls such as write and fsync have no path).
 */
export function errnoError(
  code: string,
  syscall: string,
  path?: string,
  dest?: string,
): ErrnoError {
  const number = ERRNO[code];
  if (number === undefined) {
    throw new TypeError(`errnoError: unknown errno code ${JSON.stringify(code)}`);
  }
  const description =
    getSystemErrorMap().get(-number)?.[1] ?? FALLBACK_DESCRIPTION[code] ?? "unknown error";
  let message = `${code}: ${description}, ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const error = new Error(message) as ErrnoError;
  error.errno = -number;
  error.code = code;
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  if (dest !== undefined) error.dest = dest;
  return error;
}
