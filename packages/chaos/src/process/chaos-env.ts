/**
 * The environment variables through which the harness tells a child process
 * where to die. Set by `runChild` (or `pointKillEnv`), read by
 * `faultPointsFromEnv` inside the child.
 */
export const ChaosEnv = {
  /** `<point>@<n>`: die at the n-th hit of that fault point (`@<n>` may be left out: 1). */
  KillAt: "WORKFLOWMASTER_CHAOS_KILL_AT",
  /** `SIGKILL` (default), `SIGTERM` or `SIGINT`. */
  KillSignal: "WORKFLOWMASTER_CHAOS_KILL_SIGNAL",
  /** The file the child appends one JSON line to just before it kills itself. */
  KillJournal: "WORKFLOWMASTER_CHAOS_KILL_JOURNAL",
  /** The root seed of the child's fault-point stream (default 0). */
  Seed: "WORKFLOWMASTER_CHAOS_SEED",
} as const;
export type ChaosEnv = (typeof ChaosEnv)[keyof typeof ChaosEnv];
