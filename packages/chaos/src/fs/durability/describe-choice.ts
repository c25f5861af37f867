import { describeOp, type Trace, type TraceOp } from "../trace/trace-op.js";
import type { CrashChoice } from "./crash-choice.js";
import type { Image } from "./image.js";
import type { PendingOps } from "./pending-ops.js";
import { describeTorn } from "./torn-write.js";

/** What a crash choice lost and tore, counted. */
export interface ChoiceLosses {
  /** Pending writes and truncates that did not persist, as `describeOp` words. */
  readonly lostData: readonly string[];
  /** Pending directory ops that did not persist. */
  readonly lostDirectory: readonly string[];
}

/**
 * What the choice lost. Given the post-crash image, data of files no entry
 * reaches (unlinked, or never made durable) is not listed: there is nothing
 * left that it could have been lost from.
 */
export function choiceLosses(
  trace: Trace,
  choice: CrashChoice,
  pending: PendingOps,
  image?: Image,
): ChoiceLosses {
  const visible = image === undefined ? undefined : reachableInodes(image);
  const lostData: string[] = [];
  for (const [ino, list] of pending.data) {
    if (visible !== undefined && !visible.has(ino)) continue;
    for (const index of list.slice(choice.keptData.get(ino) ?? 0)) {
      lostData.push(describeOp(trace.ops[index] as TraceOp));
    }
  }
  const lostDirectory = pending.directory
    .filter((index) => !choice.keptDirectoryOps.has(index))
    .map((index) => describeOp(trace.ops[index] as TraceOp));
  return { lostData, lostDirectory };
}

/**
 * "crash after op 12 of 30 (write /r/journal.ndjson (40 bytes at 80)); torn:
 * zeros (40 bytes); lost: create /r/.tmp-a": one line naming the state, so a
 * failing checker says which disk it was given.
 */
export function describeChoice(
  trace: Trace,
  choice: CrashChoice,
  pending: PendingOps,
  image?: Image,
  inconsistent: readonly number[] = [],
): string {
  const last = choice.crashPoint > 0 ? trace.ops[choice.crashPoint - 1] : undefined;
  const parts = [
    last
      ? `crash after op ${choice.crashPoint} of ${trace.ops.length} (${describeOp(last)})`
      : `crash before op 1 of ${trace.ops.length}`,
  ];
  if (choice.tornWrite && last?.kind === "write") {
    parts.push(describeTorn(choice.tornWrite, last.data.length));
  }
  const { lostData, lostDirectory } = choiceLosses(trace, choice, pending, image);
  const lost = [...lostData, ...lostDirectory];
  parts.push(lost.length === 0 ? "nothing lost" : `lost: ${lost.join(", ")}`);
  if (inconsistent.length > 0) {
    parts.push(
      `could not apply: ${inconsistent.map((index) => describeOp(trace.ops[index] as TraceOp)).join(", ")}`,
    );
  }
  return parts.join("; ");
}

function reachableInodes(image: Image): Set<number> {
  const inodes = new Set<number>();
  const visit = (ino: number) => {
    const node = image.nodes.get(ino);
    if (!node || inodes.has(ino)) return;
    inodes.add(ino);
    if (node.kind === "dir") for (const child of node.entries.values()) visit(child);
  };
  visit(image.root);
  return inodes;
}
