import type { Scenario } from "../../src/scenario.js";
import gitRemoteLatency from "./git-remote-latency.js";
import gitRemoteOutageMidPush from "./git-remote-outage-mid-push.js";
import gitRemoteResetPeer from "./git-remote-reset-peer.js";
import gitRemoteTimeout from "./git-remote-timeout.js";

/** The network scenarios, in report order. */
export const NETWORK_SCENARIOS: readonly Scenario[] = [
  gitRemoteLatency,
  gitRemoteResetPeer,
  gitRemoteOutageMidPush,
  gitRemoteTimeout,
];
