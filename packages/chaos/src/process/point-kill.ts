import { readFile } from "node:fs/promises";
import type { KillSignal } from "./kill-signal.js";

/**
 * What a child journals the moment before it kills itself at a fault point
 * (one JSON line in the kill journal), so the harness can check the exact
 * point and hit it died at.
 */
export interface PointKill {
  readonly pid: number;
  readonly signal: KillSignal;
  readonly point: string;
  /** The point's hit count at the kill (1-based). */
  readonly hit: number;
  /** The phase of the hit, where the caller gave one. */
  readonly phase?: string;
  /** The run of the hit, where the caller gave one. */
  readonly runId?: string;
}

/** The child's kill line, read after it exited; a missing file means the point was never reached. */
export async function readPointKill(path: string): Promise<PointKill | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const lines = text.split("\n").filter((line) => line !== "");
  if (lines.length === 0) return undefined;
  if (lines.length > 1) {
    throw new Error(
      `The kill journal ${path} holds ${lines.length} lines; a child dies at its first kill, so it should hold one. Was the file shared between children?`,
    );
  }
  return JSON.parse(lines[0] as string) as PointKill;
}
