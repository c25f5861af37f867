import { appendFileSync } from "node:fs";
import { FAULT_POINTS, type FaultPoint, type FaultPoints } from "../ports/index.js";
import { invalidInput } from "./cli-error.js";

/**
 * Test-only fault points for the CLI as a real child process: the
 * end-to-end kill tests tell it, by name, where to die.
 *
 * - `WORKFLOWMASTER_FAULT_POINT=<point>@<n>`: the process SIGKILLs itself
 *   at the n-th hit (1-based) of `<point>` — a real kill, nothing flushed.
 * - `WORKFLOWMASTER_FAULT_TRACE=<file>`: every hit is appended to the file,
 *   one point name a line (synchronously, so a kill loses none), so a test
 *   can enumerate the points a run reaches.
 *
 * Installed only when `NODE_ENV=test`, or when the hidden
 * `--chaos-fault-point <point>@<n>` flag is given. Otherwise the variables
 * are ignored (with a warning) and production runs `noFaultPoints`.
 */
export const FAULT_POINT_ENV = "WORKFLOWMASTER_FAULT_POINT";
export const FAULT_TRACE_ENV = "WORKFLOWMASTER_FAULT_TRACE";

export interface FaultPointSpec {
  point: FaultPoint;
  hit: number;
}

/** Parses `<point>@<n>`; an unknown point or a bad count is a usage error naming it. */
export function parseFaultPointSpec(spec: string, subcommand: string): FaultPointSpec {
  const match = /^([a-z.-]+)@([1-9][0-9]{0,6})$/.exec(spec);
  const point = match?.[1] as FaultPoint | undefined;
  if (match === null || point === undefined || !FAULT_POINTS.includes(point)) {
    throw invalidInput(
      subcommand,
      "--chaos-fault-point",
      `must be <point>@<n> with a point from ${FAULT_POINTS.join(", ")}, got ${JSON.stringify(spec)}`,
    );
  }
  return { point, hit: Number(match[2]) };
}

export interface TestFaultPointsOptions {
  spec: FaultPointSpec | undefined;
  tracePath: string | undefined;
  /** What "die here" does: SIGKILL of this process in the CLI. */
  kill: () => void;
}

export function testFaultPoints(options: TestFaultPointsOptions): FaultPoints {
  const counts = new Map<FaultPoint, number>();
  return {
    hit(point) {
      const count = (counts.get(point) ?? 0) + 1;
      counts.set(point, count);
      if (options.tracePath !== undefined) appendFileSync(options.tracePath, `${point}\n`);
      if (
        options.spec !== undefined &&
        options.spec.point === point &&
        options.spec.hit === count
      ) {
        options.kill();
        // SIGKILL is not delivered synchronously everywhere: never go on past the point.
        return new Promise<void>(() => undefined);
      }
      return Promise.resolve();
    },
  };
}

/**
 * The fault points the CLI runs with: `noFaultPoints` unless testing is
 * enabled (NODE_ENV=test or the hidden flag). Returns a warning when the
 * variables are set but ignored.
 */
export function resolveTestFaultPoints(options: {
  env: Readonly<Record<string, string | undefined>>;
  flag: string | undefined;
  subcommand: string;
  kill: () => void;
}): { faultPoints: FaultPoints | undefined; warning: string | undefined } {
  const { env, flag, subcommand } = options;
  const fromEnv = env[FAULT_POINT_ENV] ?? "";
  const trace = env[FAULT_TRACE_ENV] ?? "";
  const enabled = flag !== undefined || env.NODE_ENV === "test";
  if (!enabled) {
    const set = [fromEnv !== "" ? FAULT_POINT_ENV : "", trace !== "" ? FAULT_TRACE_ENV : ""].filter(
      (name) => name !== "",
    );
    return {
      faultPoints: undefined,
      warning:
        set.length === 0
          ? undefined
          : `Ignoring ${set.join(" and ")}: test fault points are only installed when NODE_ENV=test.`,
    };
  }
  const specText = flag ?? fromEnv;
  const spec = specText === "" ? undefined : parseFaultPointSpec(specText, subcommand);
  if (spec === undefined && trace === "") return { faultPoints: undefined, warning: undefined };
  return {
    faultPoints: testFaultPoints({
      spec,
      tracePath: trace === "" ? undefined : trace,
      kill: options.kill,
    }),
    warning: undefined,
  };
}
