import type { FaultPointContext } from "./fault-points.js";

const BRAND = Symbol.for("workflowmaster.chaos-crash");

export const CHAOS_CRASH = "CHAOS_CRASH";

/**
 * A crash simulated in-process at a fault point: code after the point did not
 * run, as if the process had died there. Check with `isChaosCrash` (a brand
 * survives duplicate package copies; `instanceof` does not). Whoever catches
 * one should treat the run as dead and resume it, never retry in place.
 */
export class ChaosCrash extends Error {
  readonly code = CHAOS_CRASH;
  readonly point: string;
  readonly context: FaultPointContext | undefined;
  readonly [BRAND] = true;

  constructor(point: string, context?: FaultPointContext) {
    super(
      `Chaos crash injected at fault point \`${point}\`${context?.phase === undefined ? "" : ` in phase \`${context.phase}\``}: the process is treated as dead here. Resume the run to test recovery.`,
    );
    this.name = "ChaosCrash";
    this.point = point;
    this.context = context === undefined ? undefined : { ...context };
  }
}

export function isChaosCrash(value: unknown): value is ChaosCrash {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}
