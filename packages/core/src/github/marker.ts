import { z } from "zod";

/** Run ids, phase names and comment keys: nothing that could end the HTML comment early. */
const MARKER_PART = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const markerSchema = z.strictObject({
  runId: z.string().regex(MARKER_PART, "must be 1-128 letters, digits, '.', '_', ':' or '-'"),
  phase: z.string().regex(MARKER_PART, "must be 1-128 letters, digits, '.', '_', ':' or '-'"),
  key: z
    .string()
    .regex(MARKER_PART, "must be 1-128 letters, digits, '.', '_', ':' or '-'")
    .optional(),
});

export type MarkerFields = z.input<typeof markerSchema>;

/**
 * The hidden marker a run writes into every body it creates, so the effect
 * can be found again after a crash or a lost response:
 * `<!-- workflowmaster:run=<runId> phase=<phase> -->` (with ` key=<key>`
 * before the `-->` for comments). The closing `-->` is part of the match,
 * so run `r1` never matches run `r10`.
 */
export function markerFor(fields: MarkerFields): string {
  const parsed = markerSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Invalid marker: \`${issue?.path.join(".") ?? "(fields)"}\` ${issue?.message ?? "is invalid"}.`,
    );
  }
  const { runId, phase, key } = parsed.data;
  return `<!-- workflowmaster:run=${runId} phase=${phase}${key === undefined ? "" : ` key=${key}`} -->`;
}

/** Whether a body (GitHub may send `null`) carries the marker exactly. */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  return typeof body === "string" && body.includes(marker);
}

/** The body with the marker appended on its own line (once). */
export function withMarker(body: string, marker: string): string {
  if (body.includes(marker)) return body;
  return body === "" ? marker : `${body.replace(/\s+$/, "")}\n\n${marker}`;
}
