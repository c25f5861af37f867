// The public surface of @workflowmaster/chaos. Chaos never imports core: its
// clock, random streams and fault points match core's ports by shape.

export { type Clock, isoTime } from "./clock/clock.js";
export {
  createVirtualClock,
  DEFAULT_VIRTUAL_START_MS,
  type VirtualClock,
} from "./clock/virtual-clock.js";
export { type Buggify, type BuggifyOptions, createBuggify } from "./fault-points/buggify.js";
export { CHAOS_CRASH, ChaosCrash, isChaosCrash } from "./fault-points/chaos-crash.js";
export type { FaultAction } from "./fault-points/fault-action.js";
export type {
  FaultPointContext,
  FaultPointHits,
  FaultPoints,
} from "./fault-points/fault-points.js";
export type { FaultRule } from "./fault-points/fault-rule.js";
export {
  createSeededFaultPoints,
  type SeededFaultPoints,
  type SeededFaultPointsOptions,
} from "./fault-points/seeded-fault-points.js";
export {
  createFaultJournal,
  type FaultEntry,
  type FaultJournal,
  type FaultRecord,
} from "./journal/fault-journal.js";
export { FAULT_LAYERS, FaultLayer } from "./journal/fault-layer.js";
export type { JsonObject, JsonValue } from "./journal/json-value.js";
export { createSeed, type ReplayRecord, type Seed } from "./seed/create-seed.js";
export type { Random } from "./seed/random.js";
export { replayCommand } from "./seed/replay-command.js";
export { createSeededRandom, type SeededRandom } from "./seed/seeded-random.js";
