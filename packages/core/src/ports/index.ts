export { type Clock, isoTime, systemClock } from "./clock.js";
export {
  FAULT_POINTS,
  FaultPoint,
  type FaultPointContext,
  type FaultPoints,
  noFaultPoints,
} from "./fault-points.js";
export { type Fetch, nodeFetch } from "./fetch.js";
export {
  type FileHandle,
  type FileStat,
  type FileSystem,
  type FileSystemStat,
  nodeFileSystem,
  writeAll,
} from "./file-system.js";
export {
  nodeProcessSpawner,
  type ProcessSpawner,
  type SpawnOptions,
  type SpawnResult,
} from "./process-spawner.js";
export { type Random, randomIntBetween, seededRandom, systemRandom } from "./random.js";
export { createVirtualClock, type VirtualClock } from "./virtual-clock.js";

import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import type { FaultPoints } from "./fault-points.js";
import { noFaultPoints } from "./fault-points.js";
import type { Fetch } from "./fetch.js";
import { nodeFetch } from "./fetch.js";
import type { FileSystem } from "./file-system.js";
import { nodeFileSystem } from "./file-system.js";
import type { ProcessSpawner } from "./process-spawner.js";
import { nodeProcessSpawner } from "./process-spawner.js";
import type { Random } from "./random.js";
import { systemRandom } from "./random.js";

/** Every effect the engine has on the world, in one injectable bundle. */
export interface Ports {
  clock: Clock;
  random: Random;
  fs: FileSystem;
  fetch: Fetch;
  spawner: ProcessSpawner;
  faultPoints: FaultPoints;
}

/** The real Node implementations: what production runs. */
export function nodePorts(overrides: Partial<Ports> = {}): Ports {
  return {
    clock: systemClock,
    random: systemRandom,
    fs: nodeFileSystem,
    fetch: nodeFetch,
    spawner: nodeProcessSpawner,
    faultPoints: noFaultPoints,
    ...overrides,
  };
}
