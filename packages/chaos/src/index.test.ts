import { describe, expect, it } from "vitest";
import * as chaos from "./index.js";

describe("@workflowmaster/chaos public surface", () => {
  it("exports exactly the curated runtime names", () => {
    expect(Object.keys(chaos).sort()).toEqual([
      "CHAOS_CRASH",
      "CHAOS_GIT_IDENTITY",
      "ChaosCrash",
      "ChaosEnv",
      "CrashMode",
      "DEFAULT_RATE_LIMITS",
      "DEFAULT_TOXIPROXY_IMAGE",
      "DEFAULT_VIRTUAL_START_MS",
      "FAULT_LAYERS",
      "FaultLayer",
      "FsErrno",
      "FsOperation",
      "GITHUB_ENDPOINTS",
      "GIT_CORRUPTORS",
      "GREETING_FILE",
      "GREETING_LINES",
      "GithubFaultKind",
      "KILL_SIGNALS",
      "KillSignal",
      "LimitName",
      "NO_CONTAINER_RUNTIME_MESSAGE",
      "NetworkBackend",
      "RateLimitResource",
      "STALE_INDEX_LOCK_AGE_MS",
      "TOXIC_TYPES",
      "TOXIPROXY_VERSION",
      "TornKind",
      "TornPrefixes",
      "ToxiproxyApiError",
      "UnwritableMechanism",
      "captureRepositoryState",
      "checkLimitSupport",
      "conflictingRemoteChange",
      "containerRuntimeAvailable",
      "corruptIndex",
      "createBuggify",
      "createFaultFileSystem",
      "createFaultJournal",
      "createGithubSimulator",
      "createNetworkFaults",
      "createSeed",
      "createSeededFaultPoints",
      "createSeededRandom",
      "createTempRepository",
      "createToxiproxyClient",
      "createVirtualClock",
      "detachedHead",
      "emptyLooseObject",
      "enumerateCrashStates",
      "faultPointsFromEnv",
      "fsckNoWorse",
      "garbageHead",
      "isChaosCrash",
      "isToxiproxyApiError",
      "isoTime",
      "listenHttp",
      "listenInProcess",
      "loadToxiproxyConfig",
      "mergeInProgress",
      "missingRemote",
      "mountTmpfs",
      "pointKillEnv",
      "refToMissingObject",
      "remoteMovedOn",
      "replayCommand",
      "runChild",
      "runGit",
      "simulatorFetch",
      "staleIndexLock",
      "startCpuHogs",
      "startGitDaemon",
      "startListeningChild",
      "startToxiproxyServer",
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
