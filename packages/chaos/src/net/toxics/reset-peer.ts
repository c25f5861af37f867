import { delayAtLeast } from "../stream/delay-at-least.js";
import type { Toxic } from "./toxic.js";

/**
 * On the first chunk (or the end of stream) after it starts, drops it, waits
 * `timeout` ms (not interruptible, as in Toxiproxy) and closes both sides of
 * the connection with RST. Unlike Toxiproxy, which arms SO_LINGER=0 on every
 * connection that starts with a reset_peer in its chain (so a toxicity-0
 * reset_peer still resets, #603, and older connections get a FIN), the RST
 * here is armed only when the toxic actually fires.
 */
export const resetPeer: Toxic<"timeout"> = {
  type: "reset_peer",
  attributes: ["timeout"],
  bufferSize: 0,
  async pipe(stage, { timeout }, context) {
    const received = await stage.next();
    if (received === "interrupt") return;
    if (timeout > 0) await delayAtLeast(timeout);
    context.resetConnection();
    context.record("reset", { timeoutMs: timeout });
    stage.close();
  },
};
