import type { Toxic } from "./toxic.js";

/** Passes data; at the end of the stream waits `delay` ms before closing. */
export const slowClose: Toxic<"delay"> = {
  type: "slow_close",
  attributes: ["delay"],
  bufferSize: 0,
  async pipe(stage, { delay }, context) {
    for (;;) {
      const received = await stage.next();
      if (received === "interrupt") return;
      if (received === "eof") {
        // Interrupted while waiting: the restarted stage sees the end again and waits anew.
        if (!(await stage.sleep(delay))) return;
        context.record("closed", { delayMs: delay });
        stage.close();
        return;
      }
      if (!(await stage.send(received.chunk))) return;
    }
  },
};
