import type { Scenario } from "../../src/scenario.js";
import twoProcessesOneRun from "../engine/two-processes-one-run.js";
import twoRunsOneRepository from "../engine/two-runs-one-repository.js";
import corruptedNewestSnapshot from "./corrupted-newest-snapshot.js";
import crashStateOfRunStore from "./crash-state-of-run-store.js";
import diskFullAtPhase from "./disk-full-at-phase.js";
import eioOnJournal from "./eio-on-journal.js";
import permissionDeniedRunStore from "./permission-denied-run-store.js";
import tornJournal from "./torn-journal.js";

/** The state scenarios, in report order. */
export const STATE_SCENARIOS: readonly Scenario[] = [
  diskFullAtPhase,
  permissionDeniedRunStore,
  eioOnJournal,
  crashStateOfRunStore,
  corruptedNewestSnapshot,
  tornJournal,
  twoProcessesOneRun,
  twoRunsOneRepository,
];
