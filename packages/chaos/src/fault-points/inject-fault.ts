import type { Clock } from "../clock/clock.js";
import type { FaultJournal } from "../journal/fault-journal.js";
import { FaultLayer } from "../journal/fault-layer.js";
import type { JsonObject } from "../journal/json-value.js";
import { ChaosCrash } from "./chaos-crash.js";
import { type FaultAction, isDelay } from "./fault-action.js";
import type { FaultPointContext } from "./fault-points.js";

export interface FaultFiring {
  point: string;
  context: FaultPointContext | undefined;
  /** Which decision fired it: `plan[2]`, `override[0]`, `buggify`. */
  by: string;
  /** The point's hit count at this firing. */
  hit: number;
}

/**
 * Journals a fault firing, then does it. Journaling comes first so that a
 * journal listener can write the entry out before a SIGKILL ends the process.
 */
export async function injectFault(
  action: FaultAction,
  firing: FaultFiring,
  journal: FaultJournal,
  clock: Pick<Clock, "sleep"> | undefined,
): Promise<void> {
  const detail: JsonObject = {
    by: firing.by,
    hit: firing.hit,
    ...(firing.context?.phase === undefined ? {} : { phase: firing.context.phase }),
    ...(firing.context?.runId === undefined ? {} : { runId: firing.context.runId }),
    ...(isDelay(action) ? { delayMs: action.delayMs } : {}),
  };
  const fault = isDelay(action) ? "delay" : action;
  const outcome = isDelay(action) ? "delayed" : action === "throw" ? "thrown" : "killed";
  journal.record({ layer: FaultLayer.Engine, fault, target: firing.point, outcome, detail });

  if (isDelay(action)) {
    if (!clock) {
      // Construction refuses delay rules without a clock; this guards the invariant.
      throw new TypeError(`A delay fault at \`${firing.point}\` needs a clock; none was given.`);
    }
    await clock.sleep(action.delayMs);
    return;
  }
  if (action === "throw") throw new ChaosCrash(firing.point, firing.context);
  process.kill(process.pid, "SIGKILL");
  // SIGKILL to oneself does not return; reaching here means it was not delivered.
  throw new Error(
    `Failed to kill the process at fault point \`${firing.point}\`: SIGKILL to pid ${process.pid} returned. Run kill faults only in a child process on Linux or macOS.`,
  );
}
