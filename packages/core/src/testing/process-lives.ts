import type { ProcessSpawner } from "../ports/index.js";
import { nodeProcessSpawner } from "../ports/index.js";

/**
 * Process lives for in-process crash tests: each `next()` is a new "process"
 * with its own pid, and the previous one is dead, so the run lock a crashed
 * engine left behind is taken over exactly as after a real crash.
 */
export function processLives(): { next(): ProcessSpawner } {
  let pid = 4_000_000;
  let alive = -1;
  return {
    next() {
      pid += 1;
      alive = pid;
      const own = pid;
      return {
        pid: own,
        isAlive: (candidate) => candidate === alive,
        run: (command, args, options) => nodeProcessSpawner.run(command, args, options),
      };
    },
  };
}
