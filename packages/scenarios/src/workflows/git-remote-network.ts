import {
  createNetworkFaults,
  type FaultJournal,
  type GitDaemon,
  type NetworkFaults,
  type Seed,
  startGitDaemon,
} from "@workflowmaster/chaos";
import type { ProcessSpawner } from "@workflowmaster/core";

/** The git commands that talk to the remote. */
const NETWORK_VERBS = new Set(["push", "fetch", "ls-remote"]);

/** The remote behind a Toxiproxy-compatible proxy: what a network plan may change. */
export interface GitRemoteNetwork {
  readonly faults: NetworkFaults;
  /** The proxy's name in `faults`. */
  readonly proxy: string;
  /** `git://127.0.0.1:PROXYPORT/<name>`. */
  readonly url: string;
}

/**
 * What a network scenario does to the remote: at a phase's start, and
 * before every network command (`verb` is push, fetch or ls-remote), with
 * `count` the network commands sent so far, this one included.
 */
export interface GitNetworkPlan {
  atPhase?(phase: string, network: GitRemoteNetwork): Promise<void>;
  beforeCommand?(verb: string, count: number, network: GitRemoteNetwork): Promise<void>;
}

export interface RunningGitRemote extends GitRemoteNetwork {
  /** Wraps a spawner so the plan runs before each network git command. */
  spawner(inner: ProcessSpawner): ProcessSpawner;
  /** Stops the proxy and the daemon. */
  close(): Promise<void>;
}

/**
 * One `git daemon` serving `basePath` on loopback, and one embedded
 * Toxiproxy proxy in front of it, seeded from the case and journaling to
 * its fault journal (layer `network`). Bytes flow in real time; keep
 * toxics in the tens of milliseconds.
 */
export async function startGitRemote(options: {
  basePath: string;
  repository: string;
  seeds: Seed;
  journal: FaultJournal;
  plan: GitNetworkPlan;
}): Promise<RunningGitRemote> {
  const daemon: GitDaemon = await startGitDaemon({ basePath: options.basePath });
  let faults: NetworkFaults;
  try {
    faults = await createNetworkFaults({
      backend: "embedded",
      seed: options.seeds,
      journal: options.journal,
    });
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  const proxy = "git-remote";
  let network: GitRemoteNetwork;
  try {
    const info = await faults.createProxy({ name: proxy, upstream: `127.0.0.1:${daemon.port}` });
    const address = faults.address(info);
    network = { faults, proxy, url: `git://127.0.0.1:${address.port}/${options.repository}` };
  } catch (error) {
    await faults.close();
    await daemon.stop();
    throw error;
  }
  let count = 0;
  return {
    ...network,
    spawner(inner) {
      return {
        pid: inner.pid,
        isAlive: (pid) => inner.isAlive(pid),
        async run(command, args, runOptions) {
          const verb = args.find((arg) => !arg.startsWith("-"));
          if (command === "git" && verb !== undefined && NETWORK_VERBS.has(verb)) {
            count += 1;
            await options.plan.beforeCommand?.(verb, count, network);
          }
          return inner.run(command, args, runOptions);
        },
      };
    },
    async close() {
      try {
        await faults.close();
      } finally {
        await daemon.stop();
      }
    },
  };
}
