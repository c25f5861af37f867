import { z } from "zod";

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits");
/** ISO-8601 UTC with a `Z`: the only timestamp format the store writes or accepts. */
const isoUtc = z.iso.datetime({ offset: false });

/** One line of `journal.ndjson`. */
export const journalRecordSchema = z.strictObject({
  seq: z.int().positive(),
  at: isoUtc,
  fence: z.int().positive(),
  type: z.string().min(1),
  data: z.unknown(),
  prevHash: z.union([z.literal(""), sha256Hex]),
  sha256: sha256Hex,
});

/**
 * Data of the store's own `store.journal-rebased` record, written when the
 * newest valid snapshot is ahead of the journal: records `afterSeq + 1` up
 * to the record's own seq exist only in that snapshot.
 */
export const journalRebasedDataSchema = z.strictObject({
  afterSeq: z.int().nonnegative(),
  snapshotSeq: z.int().positive(),
});

export const SNAPSHOT_SCHEMA_VERSION = 1 as const;

/**
 * The envelope every snapshot version keeps, so an older reader can tell
 * "written by a newer version" (hash verifies, version unknown) from
 * "damaged" (hash does not verify): `schemaVersion`, and `sha256` over the
 * canonical JSON of every other field.
 */
export const snapshotEnvelopeSchema = z.looseObject({
  schemaVersion: z.int(),
  sha256: sha256Hex,
});

/** `snapshots/snapshot-<seq>.json`, version 1. */
export const snapshotFileSchema = z.strictObject({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  runId: z.string().min(1),
  seq: z.int().nonnegative(),
  at: isoUtc,
  state: z.unknown(),
  sha256: sha256Hex,
});
export type SnapshotFile = z.infer<typeof snapshotFileSchema>;

/** `lock.json`. `owner` is a random id, so two holders never look alike. */
export const lockFileSchema = z.strictObject({
  pid: z.int().positive(),
  hostname: z.string().min(1),
  startedAt: isoUtc,
  token: z.int().positive(),
  owner: z.string().min(1),
});
export type LockFile = z.infer<typeof lockFileSchema>;

/** The first problem zod found, as "field: message". */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return "invalid";
  const path = issue.path.length === 0 ? "(root)" : issue.path.map(String).join(".");
  return `${path}: ${issue.message}`;
}
