import type { Toxic } from "./toxic.js";

/**
 * Drops every byte. With `timeout` > 0 it closes the stream once no chunk
 * has arrived for `timeout` ms (steady traffic keeps it open); with 0 it
 * never closes. Removing it closes the connection, as in Toxiproxy: to
 * stall and recover, use bandwidth `rate` 0 (the "stall then heal" fault).
 */
export const timeout: Toxic<"timeout"> = {
  type: "timeout",
  attributes: ["timeout"],
  bufferSize: 0,
  async pipe(stage, { timeout: ms }, context) {
    for (;;) {
      const received = ms > 0 ? await stage.next(ms) : await stage.next();
      if (received === "interrupt") return;
      if (received === "idle") {
        context.record("closed", { timeoutMs: ms });
        stage.close();
        return;
      }
      if (received === "eof") {
        stage.close();
        return;
      }
      // Anything else is dropped on the floor.
    }
  },
  cleanup(stage) {
    stage.close();
  },
};
