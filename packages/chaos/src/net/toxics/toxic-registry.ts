import { bandwidth } from "./bandwidth.js";
import { latency } from "./latency.js";
import { limitData } from "./limit-data.js";
import { noop } from "./noop.js";
import { resetPeer } from "./reset-peer.js";
import { slicer } from "./slicer.js";
import { slowClose } from "./slow-close.js";
import { timeout } from "./timeout.js";
import type { Toxic } from "./toxic.js";

/** Every toxic type the server accepts, by its Toxiproxy name. */
export const TOXICS: Readonly<Record<string, Toxic>> = Object.freeze({
  latency,
  bandwidth,
  slow_close: slowClose,
  timeout,
  reset_peer: resetPeer,
  slicer,
  limit_data: limitData,
  noop,
});

/** The toxic types, in the order Toxiproxy's README lists them. */
export const TOXIC_TYPES = [
  "latency",
  "bandwidth",
  "slow_close",
  "timeout",
  "reset_peer",
  "slicer",
  "limit_data",
  "noop",
] as const;
export type ToxicType = (typeof TOXIC_TYPES)[number];

export function toxicFor(type: string): Toxic | undefined {
  return Object.hasOwn(TOXICS, type) ? TOXICS[type] : undefined;
}
