import type { Scenario } from "../../src/scenario.js";
import conflictingRemoteChange from "./conflicting-remote-change.js";
import corruptLooseObject from "./corrupt-loose-object.js";
import detachedHead from "./detached-head.js";
import garbageHead from "./garbage-head.js";
import mergeInProgress from "./merge-in-progress.js";
import missingRemote from "./missing-remote.js";
import remoteMovedOn from "./remote-moved-on.js";
import staleIndexLock from "./stale-index-lock.js";

/** The git scenarios, in report order. */
export const GIT_SCENARIOS: readonly Scenario[] = [
  staleIndexLock,
  detachedHead,
  mergeInProgress,
  corruptLooseObject,
  remoteMovedOn,
  conflictingRemoteChange,
  missingRemote,
  garbageHead,
];
