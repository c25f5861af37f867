import { describe, expect, it } from "vitest";
import * as chaos from "./index.js";

describe("@workflowmaster/chaos public surface", () => {
  it("exports exactly the curated runtime names", () => {
    expect(Object.keys(chaos).sort()).toEqual([
      "CHAOS_CRASH",
      "CHAOS_GIT_IDENTITY",
      "ChaosCrash",
      "DEFAULT_RATE_LIMITS",
      "DEFAULT_VIRTUAL_START_MS",
      "FAULT_LAYERS",
      "FaultLayer",
      "GITHUB_ENDPOINTS",
      "GIT_CORRUPTORS",
      "GREETING_FILE",
      "GREETING_LINES",
      "GithubFaultKind",
      "RateLimitResource",
      "STALE_INDEX_LOCK_AGE_MS",
      "UnwritableMechanism",
      "captureRepositoryState",
      "conflictingRemoteChange",
      "corruptIndex",
      "createBuggify",
      "createFaultJournal",
      "createGithubSimulator",
      "createSeed",
      "createSeededFaultPoints",
      "createSeededRandom",
      "createTempRepository",
      "createVirtualClock",
      "detachedHead",
      "emptyLooseObject",
      "fsckNoWorse",
      "garbageHead",
      "isChaosCrash",
      "isoTime",
      "listenHttp",
      "listenInProcess",
      "mergeInProgress",
      "missingRemote",
      "refToMissingObject",
      "remoteMovedOn",
      "replayCommand",
      "runGit",
      "simulatorFetch",
      "staleIndexLock",
      "startGitDaemon",
      "systemClock",
      "truncatedLooseObject",
      "unwritableObjects",
    ]);
  });

  it("wires a seed, a clock, a journal and fault points together", async () => {
    const seed = chaos.createSeed(5);
    const clock = chaos.createVirtualClock();
    const journal = chaos.createFaultJournal(clock);
    const faultPoints = chaos.createSeededFaultPoints({
      random: seed.stream("fault-points"),
      journal,
      clock,
      plan: [{ point: "git.push.completed", nth: 1, action: { delayMs: 90_000 } }],
    });
    await faultPoints.hit("git.push.completed");
    expect(clock.elapsed).toBe(90_000);
    expect(journal.fired(chaos.FaultLayer.Engine, "delay")).toBe(1);
    expect(seed.record()).toEqual({ root: 5, streams: ["fault-points"] });
  });
});
