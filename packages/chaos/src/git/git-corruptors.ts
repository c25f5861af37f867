import { conflictingRemoteChange } from "./corruptors/conflicting-remote-change.js";
import { corruptIndex } from "./corruptors/corrupt-index.js";
import { detachedHead } from "./corruptors/detached-head.js";
import { emptyLooseObject } from "./corruptors/empty-loose-object.js";
import { garbageHead } from "./corruptors/garbage-head.js";
import { mergeInProgress } from "./corruptors/merge-in-progress.js";
import { missingRemote } from "./corruptors/missing-remote.js";
import { refToMissingObject } from "./corruptors/ref-to-missing-object.js";
import { remoteMovedOn } from "./corruptors/remote-moved-on.js";
import { staleIndexLock } from "./corruptors/stale-index-lock.js";
import { truncatedLooseObject } from "./corruptors/truncated-loose-object.js";
import { unwritableObjects } from "./corruptors/unwritable-objects.js";
import type { GitCorruptor } from "./git-corruptor.js";

/** Every git corruptor, so a suite can enumerate them all. */
export const GIT_CORRUPTORS: readonly GitCorruptor[] = [
  staleIndexLock,
  emptyLooseObject,
  truncatedLooseObject,
  corruptIndex,
  garbageHead,
  refToMissingObject,
  detachedHead,
  mergeInProgress,
  remoteMovedOn,
  conflictingRemoteChange,
  missingRemote,
  unwritableObjects,
];
