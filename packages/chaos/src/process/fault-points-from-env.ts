import { openSync, writeSync } from "node:fs";
import { createVirtualClock } from "../clock/virtual-clock.js";
import type { FaultPointHits, FaultPoints } from "../fault-points/fault-points.js";
import { createSeededFaultPoints } from "../fault-points/seeded-fault-points.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { createSeed } from "../seed/create-seed.js";
import { KillSignal } from "./kill-signal.js";
import type { PointKill } from "./point-kill.js";
import { type PointKillPlan, readPointKillEnv } from "./point-kill-env.js";

/** Fault points for a child process, driven by the harness through its environment. */
export interface EnvFaultPoints extends FaultPoints {
  /** The kill the environment asks for, or undefined (then no point ever fires). */
  readonly killAt: Pick<PointKillPlan, "point" | "nth" | "signal"> | undefined;
  /** How often each point was reached, in first-hit order. */
  hits(): FaultPointHits;
}

/**
 * For the program inside a child process: structurally core's `FaultPoints`,
 * built on `createSeededFaultPoints` with one `kill` rule taken from
 * `WORKFLOWMASTER_CHAOS_KILL_AT=<point>@<n>` (see `ChaosEnv`). At that hit it
 * appends one JSON line (`PointKill`) to the file named by
 * `WORKFLOWMASTER_CHAOS_KILL_JOURNAL`, synchronously, and then dies by the
 * asked signal, so the harness can check the exact point and hit.
 *
 * "Kill at a point" means death at that point: for SIGTERM and SIGINT the
 * program's own listeners for the signal are removed first, since a handler
 * would only run later, at some other point. To test a program's handling
 * of a signal, send it from outside (`handle.kill()` or `killAt.afterMs`).
 * Without `WORKFLOWMASTER_CHAOS_KILL_AT` nothing fires; hits are still counted.
 */
export function faultPointsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): EnvFaultPoints {
  const plan = readPointKillEnv(env);
  const journal = createFaultJournal(createVirtualClock());
  const points = createSeededFaultPoints({
    random: createSeed(plan?.seed ?? 0).stream("fault-points"),
    journal,
    plan: plan === undefined ? [] : [{ point: plan.point, nth: plan.nth, action: "kill" }],
  });
  if (plan !== undefined) {
    // Opened now, not at the kill: by then the descriptors may be exhausted.
    const fd = openSync(plan.journal, "a");
    journal.subscribe((entry) => {
      if (entry.fault !== "kill") return;
      const detail = entry.detail ?? {};
      const line: PointKill = {
        pid: process.pid,
        signal: plan.signal,
        point: entry.target,
        hit: Number(detail.hit),
        ...(typeof detail.phase === "string" ? { phase: detail.phase } : {}),
        ...(typeof detail.runId === "string" ? { runId: detail.runId } : {}),
      };
      writeSync(fd, `${JSON.stringify(line)}\n`);
      if (plan.signal !== KillSignal.Kill) {
        process.removeAllListeners(plan.signal);
        // With no listener the default action ends the process inside this
        // call; were it to return, the kill rule's SIGKILL follows at once.
        process.kill(process.pid, plan.signal);
      }
    });
  }
  return {
    killAt:
      plan === undefined ? undefined : { point: plan.point, nth: plan.nth, signal: plan.signal },
    hit: (point, context) => points.hit(point, context),
    hits: () => points.hits(),
  };
}
