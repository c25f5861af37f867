// The test kit: what WorkflowMaster's own tests use, shipped for users'
// scenarios. Real disk and processes; virtual time; seeded randomness;
// in-process crashes that behave like a dead process.
export { createVirtualClock, seededRandom, type VirtualClock } from "../ports/index.js";
export {
  CrashSentinel,
  crashAt,
  crashAtHit,
  type Hit,
  recordingFaultPoints,
} from "./crash-fault-points.js";
export { createLedger, type Ledger } from "./ledger.js";
export { memorySink } from "./memory-sink.js";
export { processLives } from "./process-lives.js";
export { tempDir } from "./temp-dir.js";
export { testPorts } from "./test-ports.js";
