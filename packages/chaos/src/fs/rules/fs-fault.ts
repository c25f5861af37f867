import { z } from "zod";

/** The errno faults a rule can raise. */
export const FsErrno = {
  Enospc: "ENOSPC",
  Eacces: "EACCES",
  Erofs: "EROFS",
  Eio: "EIO",
  Emfile: "EMFILE",
  Edquot: "EDQUOT",
} as const;
export type FsErrno = (typeof FsErrno)[keyof typeof FsErrno];

export const FS_ERRNOS: readonly FsErrno[] = Object.values(FsErrno);

/** What a rule does: raise an errno as Node would, or delay the call on the injected clock. */
export type FsFault = FsErrno | { latencyMs: number };

export const fsFaultSchema = z.union(
  [
    z.enum(FS_ERRNOS as [FsErrno, ...FsErrno[]]),
    z.strictObject({
      latencyMs: z.number().int("must be an integer").nonnegative("must be >= 0"),
    }),
  ],
  { error: `must be one of ${FS_ERRNOS.join(", ")} or { latencyMs }` },
);

export function isLatency(fault: FsFault): fault is { latencyMs: number } {
  return typeof fault === "object";
}
