import { nodeProcessSpawner, type ProcessSpawner } from "@workflowmaster/core";

/**
 * In-process crash simulation needs each "process" to have its own identity:
 * a run lock names its holder's pid, and a restarted process must see the
 * crashed one as dead. Each incarnation gets a distinct pid from this table
 * (above Linux's pid_max, so it can never name a real process) and is
 * alive until `kill`. Child processes are still spawned for real.
 */
export interface ProcessTable {
  /** A spawner whose `pid` is a new live incarnation. */
  incarnate(): ProcessSpawner & { kill(): void };
}

const FIRST_PID = 5_000_000;

export function createProcessTable(): ProcessTable {
  const alive = new Set<number>();
  let next = FIRST_PID;
  return {
    incarnate() {
      const pid = next++;
      alive.add(pid);
      return {
        pid,
        run: (command, args, options) => nodeProcessSpawner.run(command, args, options),
        isAlive: (candidate) =>
          candidate >= FIRST_PID ? alive.has(candidate) : nodeProcessSpawner.isAlive(candidate),
        kill: () => {
          alive.delete(pid);
        },
      };
    },
  };
}
